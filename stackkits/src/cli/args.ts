/**
 * Command line parsing: one `parseArgs` over every option, then a check that each given option
 * belongs to the command (so `stackkit validate --force` is a usage error, not silently ignored).
 * Options may come before or after the command: `stackkit -C lab plan` = `stackkit plan -C lab`.
 */
import { parseArgs } from 'node:util';

export const commandNames = [
  'init',
  'prepare',
  'generate',
  'plan',
  'apply',
  'destroy',
  'status',
  'validate',
  'import',
  'apps',
  'add',
  'secret',
  'version',
  'help',
] as const;
export type CommandName = (typeof commandNames)[number];

/** A mistake in how the CLI was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Extra fields for the --json error document. */
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.details = details;
  }
}

/** A failed step or invalid input (exit code 1 unless stated). */
export class CliError extends Error {
  override name = 'CliError';
  /** A stable word for machines (`error.code` in --json output), like `invalid_spec`. */
  readonly code: string;
  readonly exitCode: number;
  /** Extra fields for the --json error document. */
  readonly details: Record<string, unknown> | undefined;
  constructor(
    message: string,
    options: { code?: string; exitCode?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.code = options.code ?? 'failed';
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details;
  }
}

const optionSpec = {
  chdir: { type: 'string', short: 'C' },
  spec: { type: 'string', short: 's' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  variant: { type: 'string' },
  name: { type: 'string' },
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  mirror: { type: 'string' },
  image: { type: 'string', multiple: true },
  'auto-approve': { type: 'boolean' },
  edge: { type: 'string' },
  token: { type: 'string' },
  'plugin-dir': { type: 'string' },
  'init-timeout': { type: 'string' },
  file: { type: 'string', short: 'f', multiple: true },
  'env-file': { type: 'string' },
  profile: { type: 'string', multiple: true },
  kit: { type: 'string' },
  node: { type: 'string' },
  generate: { type: 'boolean' },
  length: { type: 'string' },
} as const;

type OptionName = keyof typeof optionSpec;

const globalOptions: readonly OptionName[] = [
  'chdir',
  'spec',
  'quiet',
  'verbose',
  'json',
  'no-color',
  'help',
  'version',
];
const imageOptions: readonly OptionName[] = ['mirror', 'image'];
const tofuOptions: readonly OptionName[] = ['output', 'edge', 'token', 'plugin-dir', 'init-timeout'];

const commandOptions: Record<CommandName, readonly OptionName[]> = {
  init: ['variant', 'name', 'output', 'force'],
  prepare: [],
  generate: ['output', ...imageOptions],
  plan: [...tofuOptions, ...imageOptions],
  apply: [...tofuOptions, ...imageOptions, 'auto-approve'],
  destroy: [...tofuOptions, 'auto-approve'],
  status: ['output'],
  validate: [],
  import: ['file', 'env-file', 'profile', 'kit', 'node', 'output'],
  apps: [],
  add: ['node', 'output'],
  secret: ['edge', 'token', 'generate', 'length'],
  version: [],
  help: [],
};

/**
 * How many positional arguments each command takes after its name. `secret` counts its own: an
 * extra argument there may be a value typed on the command line by mistake, and this message would
 * echo it.
 */
const maxPositionals: Record<CommandName, number> = {
  init: 1,
  prepare: 0,
  generate: 0,
  plan: 0,
  apply: 0,
  destroy: 0,
  status: 0,
  validate: 1,
  import: 1,
  apps: 0,
  add: 1,
  secret: Number.POSITIVE_INFINITY,
  version: 0,
  help: 1,
};

export interface CliArgs {
  command: CommandName | undefined;
  /** Positional arguments after the command. */
  rest: string[];
  chdir: string | undefined;
  spec: string | undefined;
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  noColor: boolean;
  help: boolean;
  variant: string | undefined;
  name: string | undefined;
  output: string | undefined;
  force: boolean;
  mirror: string | undefined;
  images: Record<string, string>;
  autoApprove: boolean;
  edge: string | undefined;
  token: string | undefined;
  pluginDir: string | undefined;
  /** Seconds `init` may take before it is stopped. */
  initTimeout: number | undefined;
  /** `import -f`: more compose files, merged after the first. */
  files: string[];
  envFile: string | undefined;
  profiles: string[];
  kit: string | undefined;
  node: string | undefined;
  /** `secret set --generate`: the edge makes the value. */
  generate: boolean;
  /** `secret set --generate --length N`. */
  generateLength: number | undefined;
}

export function isCommand(name: string): name is CommandName {
  return (commandNames as readonly string[]).includes(name);
}

/** Parses argv (without node and the script). Throws {@link UsageError}. */
export function parseCli(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof optionSpec; tokens: true; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options: optionSpec, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals, tokens } = parsed;
  const [first, ...rest] = positionals;
  let command: CommandName | undefined;
  if (values.version && first === undefined) command = 'version';
  else if (first !== undefined) {
    if (!isCommand(first)) throw new UsageError(`unknown command "${first}"`);
    command = first;
  }
  if (command) {
    const allowed = new Set<string>([...globalOptions, ...commandOptions[command]]);
    for (const token of tokens) {
      if (token.kind === 'option' && !allowed.has(token.name)) {
        throw new UsageError(`option --${token.name} does not apply to "${command}"`);
      }
    }
    if (rest.length > maxPositionals[command]) {
      throw new UsageError(
        `"${command}" takes ${describeCount(maxPositionals[command])}, got: ${rest.join(' ')}`,
      );
    }
  }
  return {
    command,
    rest,
    chdir: values.chdir,
    spec: values.spec,
    quiet: Boolean(values.quiet),
    verbose: Boolean(values.verbose),
    json: Boolean(values.json),
    noColor: Boolean(values['no-color']),
    help: Boolean(values.help),
    variant: values.variant,
    name: values.name,
    output: values.output,
    force: Boolean(values.force),
    mirror: values.mirror,
    images: parseImages(values.image ?? []),
    autoApprove: Boolean(values['auto-approve']),
    edge: values.edge,
    token: values.token,
    pluginDir: values['plugin-dir'],
    initTimeout: parseSeconds(values['init-timeout']),
    files: values.file ?? [],
    envFile: values['env-file'],
    profiles: values.profile ?? [],
    kit: values.kit,
    node: values.node,
    generate: Boolean(values.generate),
    generateLength: parseLength(values.length),
  };
}

function describeCount(n: number): string {
  return n === 0 ? 'no arguments' : n === 1 ? 'at most one argument' : `at most ${n} arguments`;
}

/** `--image service=ref`, repeatable; the same service twice is a mistake. */
export function parseImages(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const service = item.slice(0, eq).trim();
    const ref = item.slice(eq + 1).trim();
    if (eq <= 0 || !service || !ref) throw new UsageError(`--image wants service=image, got "${item}"`);
    if (Object.hasOwn(out, service)) throw new UsageError(`--image names "${service}" twice`);
    Object.defineProperty(out, service, { value: ref, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--init-timeout wants a number of seconds above 0, got "${raw}"`);
  }
  return value;
}

/** A whole number above 0; the edge owns the allowed range (8 to 1024) and says so on a 400. */
function parseLength(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new UsageError(`--length wants a whole number of characters, got "${raw}"`);
  }
  return value;
}
