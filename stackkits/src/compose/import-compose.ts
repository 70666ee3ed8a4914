/**
 * docker-compose file(s) → kombination.yaml: the one import function behind the CLI (`stackkit
 * import`), the edge (`POST /v1/stackkits/import`) and the web's import dialog.
 *
 * 1. Read each file (positions kept; aliases and merge keys expanded within limits), interpolate
 *    `${VAR}` from the given .env text, check it against the Compose Specification's schema.
 * 2. Merge the files as `docker compose -f … -f …` does; keep the services of the active profiles.
 * 3. Map each service (map-service.ts); anything that cannot be carried over is an error or a
 *    warning at its compose path and line, never dropped silently.
 * 4. Add the services to the target spec (new, or `into`) and validate the result with the same
 *    checks as every spec; a problem there is reported at the compose line it came from.
 *
 * Never throws; runs anywhere (no Node built-ins: files are read by the caller's `readFile`).
 */
import { secretVariableName } from '../generate/to-open-tofu.ts';
import type { KombinationInput, ServiceInput } from '../spec/schema.ts';
import { validateSpec } from '../spec/validate.ts';
import { readYamlDocument } from '../spec/yaml-source.ts';
import { addServices, openTarget, toDnsLabel, uniqueName } from '../spec-edit/target.ts';
import { type InterpolationIssue, interpolateData, parseEnvText } from './interpolate.ts';
import { Reporter, sortIssues } from './issues.ts';
import { mapService } from './map-service.ts';
import { mergeComposeFiles } from './merge.ts';
import { type Data, isMap, type ServiceContext } from './service-context.ts';
import { specIssues } from './spec-issues.ts';
import type { ComposeImportInput, ComposeImportResult, ComposeIssue } from './types.ts';
import { checkComposeSchema } from './validate-compose.ts';

/** Compose files above this size are refused before parsing (a real one is a few KiB). */
export const maxComposeBytes = 4 * 1024 * 1024;

const specFile = 'kombination.yaml';

export function importCompose(input: ComposeImportInput): ComposeImportResult {
  try {
    return run(input);
  } catch (error) {
    // A bug must not take a request down; report it as what it is.
    const message = `the import failed: ${error instanceof Error ? error.message : String(error)}`;
    return empty([{ file: input.files?.[0]?.name ?? '', path: '', code: 'parse_error', message }], []);
  }
}

function empty(errors: ComposeIssue[], warnings: ComposeIssue[]): ComposeImportResult {
  return { errors, warnings, services: [], secrets: [], secretValues: {} };
}

function run(input: ComposeImportInput): ComposeImportResult {
  const report = new Reporter();
  const files = Array.isArray(input.files) ? input.files : [];
  const order = files.map((f) => f.name);
  if (files.length === 0) {
    return empty([{ file: '', path: '', code: 'parse_error', message: 'no compose file given' }], []);
  }
  const env = parseEnvText(typeof input.env === 'string' ? input.env : '');
  for (const p of env.problems)
    report.push('warning', {
      file: '.env',
      path: '',
      code: 'invalid_value',
      message: p.message,
      line: p.line,
      column: 1,
    });

  const docs: Data[] = [];
  for (const file of files) {
    const source = readYamlDocument(
      typeof file.text === 'string' ? file.text : (undefined as unknown as string),
      {
        subject: 'the compose file',
        shape: 'services: …',
        keepNull: true,
        mergeKeys: true,
        maxBytes: maxComposeBytes,
      },
    );
    if (source.data === undefined) {
      for (const e of source.errors)
        report.push('error', {
          file: file.name,
          path: e.path,
          code: 'parse_error',
          message: e.message,
          line: e.line,
          column: e.column,
        });
      continue;
    }
    const issues: InterpolationIssue[] = [];
    const data = interpolateData(source.data, env.vars, issues) as Data;
    report.add({ name: file.name, data, locate: source.locate });
    for (const i of issues) {
      if (i.kind === 'error') report.error(i.path, 'interpolation', i.message);
      else report.warn(i.path, 'interpolation', i.message);
    }
    checkTopLevel(data, report);
    for (const p of checkComposeSchema(data)) report.error(p.path, 'schema', p.message, p.at);
    docs.push(data);
  }
  if (docs.length > 0 && !docs.some((d) => isMap(d.services) && Object.keys(d.services).length > 0)) {
    report.error(['services'], 'schema', 'no services: a compose file lists its containers under services:');
  }
  if (report.errors.length > 0) return done(report, order);

  const merged = mergeComposeFiles(docs);
  const services = isMap(merged.services) ? merged.services : {};
  const active = activeProfiles(input, env.vars);
  const included: string[] = [];
  const excluded = new Set<string>();
  for (const [name, svc] of Object.entries(services)) {
    const profiles = isMap(svc) && Array.isArray(svc.profiles) ? (svc.profiles as string[]) : [];
    if (profiles.length === 0 || active.has('*') || profiles.some((p) => active.has(p))) included.push(name);
    else {
      excluded.add(name);
      report.warn(
        ['services', name, 'profiles'],
        'ignored',
        `${name} is left out: its profiles (${profiles.join(', ')}) are not active (--profile)`,
      );
    }
  }
  if (included.length === 0) {
    report.error(
      ['services'],
      'invalid_reference',
      `no service outside inactive profiles; activate one of them`,
    );
    return done(report, order);
  }

  const composeName = typeof merged.name === 'string' ? merged.name : undefined;
  const target = openTarget({
    into: input.into,
    kit: input.kit,
    node: input.node,
    name: input.name ?? composeName,
  });
  for (const e of target.errors)
    report.push('error', {
      file: specFile,
      path: e.path,
      code: 'spec',
      message: e.message,
      ...(e.line ? { line: e.line, column: e.column } : {}),
    });
  if (report.errors.length > 0) return done(report, order);

  const names = new Map<string, string>();
  for (const name of included) {
    const label = toDnsLabel(name) ?? 'service';
    const unique = uniqueName(label, target.taken);
    names.set(name, unique);
    if (unique !== name) {
      const why =
        label !== name ? 'service names must be DNS labels' : 'the name is taken by the spec or the kit';
      report.warn(['services', name], 'changed', `imported as ${unique}: ${why}`, 'key');
    }
  }
  const ctx: ServiceContext = {
    report,
    vars: env.vars,
    top: {
      volumes: section(merged.volumes),
      networks: section(merged.networks),
      secrets: section(merged.secrets),
      configs: section(merged.configs),
    },
    projectDir: input.projectDir,
    readFile: input.readFile,
    swarm: target.kit === 'ha-homelab',
    kitLabel: target.kit,
    names,
    excluded,
    secrets: [],
    secretValues: {},
    variableOf: secretVariableName,
  };
  checkTopSections(ctx);
  const mapped: ServiceInput[] = included.map((name) => mapService(name, services[name] as Data, ctx));
  if (report.errors.length > 0) return done(report, order, ctx);

  const { data, yaml } = addServices(target, mapped);
  const first = Array.isArray(target.data.services) ? target.data.services.length : 0;
  const checked = validateSpec(data);
  if (checked.errors.length > 0) {
    for (const issue of specIssues(checked.errors, first, included, report)) report.push('error', issue);
    return done(report, order, ctx);
  }
  const result = done(report, order, ctx);
  return { ...result, spec: data as KombinationInput, yaml, services: mapped.map((s) => s.name) };
}

function section(value: unknown): Data {
  return isMap(value) ? value : {};
}

function activeProfiles(input: ComposeImportInput, vars: ReadonlyMap<string, string>): Set<string> {
  if (input.profiles && input.profiles.length > 0) return new Set(input.profiles);
  const fromEnv = vars.get('COMPOSE_PROFILES');
  return new Set(
    (fromEnv ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
}

function checkTopLevel(data: Data, report: Reporter): void {
  if (data.version !== undefined)
    report.warn(
      ['version'],
      'ignored',
      'version: is obsolete in the Compose Specification and ignored',
      'key',
    );
  if (data.include !== undefined)
    report.error(
      ['include'],
      'unsupported',
      'include: is not supported: pass the files with -f instead',
      'key',
    );
  for (const key of Object.keys(data)) {
    if (key.startsWith('x-'))
      report.warn(
        [key],
        'ignored',
        `extension ${key} is ignored (its anchors were expanded where used)`,
        'key',
      );
  }
  if (data.services === undefined) {
    const looksV1 = Object.values(data).some(
      (v) => isMap(v) && (v.image !== undefined || v.build !== undefined),
    );
    if (looksV1)
      report.error(
        [],
        'schema',
        'this looks like a version 1 compose file (services at the top level): put them under services:',
      );
  }
}

/** Top-level networks, volumes and secrets settings that kombify does not keep. */
function checkTopSections(ctx: ServiceContext): void {
  for (const [name, net] of Object.entries(ctx.top.networks)) {
    if (!isMap(net)) continue;
    if (net.external)
      ctx.report.warn(
        ['networks', name, 'external'],
        'not_kept',
        `external network ${name}: services join the stack network instead`,
      );
    for (const key of ['driver', 'driver_opts', 'ipam', 'internal', 'enable_ipv6', 'attachable'] as const) {
      if (net[key] !== undefined)
        ctx.report.warn(
          ['networks', name, key],
          'not_kept',
          `network ${key} is not kept: the stack has one network (network.internal.subnet)`,
        );
    }
  }
  for (const [name, vol] of Object.entries(ctx.top.volumes)) {
    if (!isMap(vol)) continue;
    if (vol.external) {
      ctx.report.warn(
        ['volumes', name, 'external'],
        'not_kept',
        `external volume ${name} is not reused: kombify creates <stack>-${name}; copy the data over before switching`,
      );
    }
    if (vol.name !== undefined)
      ctx.report.warn(
        ['volumes', name, 'name'],
        'changed',
        `the Docker volume is named <stack>-${name}, not ${String(vol.name)}`,
      );
    if ((vol.driver !== undefined && vol.driver !== 'local') || vol.driver_opts !== undefined) {
      ctx.report.error(
        ['volumes', name, vol.driver_opts !== undefined ? 'driver_opts' : 'driver'],
        'unsupported',
        `volume ${name}: volume drivers and options (NFS, CIFS, …) are not supported; mount the share on the node and bind it`,
      );
    }
  }
}

function done(report: Reporter, order: string[], ctx?: ServiceContext): ComposeImportResult {
  const files = [...order, '.env', specFile];
  const errors = sortIssues(report.errors, files);
  const warnings = sortIssues(report.warnings, files);
  if (!ctx || errors.length > 0) return empty(errors, warnings);
  const secretValues: Record<string, string> = {};
  for (const s of ctx.secrets)
    if (Object.hasOwn(ctx.secretValues, s.ref)) secretValues[s.ref] = ctx.secretValues[s.ref]!;
  return { errors, warnings, services: [], secrets: ctx.secrets, secretValues };
}
