/**
 * Running OpenTofu (else Terraform): finding the binary, its version, streaming its output, and
 * telling the one failure everyone meets offline — the provider cannot be installed — apart from
 * the rest.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import semver from 'semver';

export interface Tool {
  name: 'tofu' | 'terraform';
  path: string;
  /** Like "1.11.4"; null when `version` did not answer. */
  version: string | null;
}

/** The first executable named `name` on PATH. */
export function which(name: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/**
 * The environment for the tool: no prompts, shorter automation output, and no checkpoint call
 * (Terraform's version check would wait on the network where there is none).
 */
export function toolEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

/** `tofu`, else `terraform`, with its version. */
export async function findTool(env: Record<string, string | undefined>): Promise<Tool | undefined> {
  for (const name of ['tofu', 'terraform'] as const) {
    const path = which(name, env);
    if (!path) continue;
    const result = await runTool({ name, path, version: null }, ['version', '-json'], {
      cwd: process.cwd(),
      env: toolEnv(env),
      timeoutMs: 15_000,
    });
    let version: string | null = null;
    try {
      version = (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version ?? null;
    } catch {
      version = /v(\d+\.\d+\.\d+\S*)/.exec(result.stdout)?.[1] ?? null;
    }
    return { name, path, version };
  }
  return undefined;
}

/**
 * Whether a tool's version is below a minimum, by Semantic Versioning (a pre-release like
 * 1.6.0-beta.1 is older than 1.6.0). Versions the tool prints loosely (`1.6`, `v1.11.4`) are
 * coerced first; an unreadable version counts as not older (the run will tell).
 */
export function isOlderThan(version: string, minimum: string): boolean {
  const v = semver.valid(version) ?? semver.valid(semver.coerce(version, { includePrerelease: true }));
  return v !== null && semver.lt(v, minimum);
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Stop the tool after this long (SIGTERM, then SIGKILL 5 s later). */
  timeoutMs?: number;
  /** Each complete output line, as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  /** Exit code; null when the process was killed by a signal or could not start. */
  code: number | null;
  timedOut: boolean;
  /** The user pressed Ctrl-C while it ran. */
  interrupted: boolean;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started. */
  spawnError?: string;
}

/** Runs the tool to completion, streaming lines; never rejects. */
export function runTool(tool: Tool, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const result: RunResult = { code: null, timedOut: false, interrupted: false, stdout: '', stderr: '' };
    const child = spawn(tool.path, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const partial = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      result[stream] += text;
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line.replace(/\r$/, ''), stream);
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    // Ctrl-C reaches the tool too (same process group); it stops cleanly and we report it. Without
    // this handler Node would exit at once and leave the tool's output (and lock) half-way.
    const onSigint = () => {
      result.interrupted = true;
    };
    process.on('SIGINT', onSigint);
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            result.timedOut = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          }, options.timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      process.off('SIGINT', onSigint);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream]) options.onLine?.(partial[stream], stream);
      }
      resolve(result);
    };
    child.on('error', (error) => {
      result.spawnError = error.message;
      finish();
    });
    child.on('close', (code) => {
      result.code = code;
      finish();
    });
  });
}

export interface ProviderFailure {
  provider: string;
  /** True when the registry could not be reached at all (offline, DNS, firewall). */
  unreachable: boolean;
  /** The tool's own words, shortened to one line. */
  reason: string;
}

const providerError =
  /Error: (Failed to query available provider packages|Failed to install provider|Failed to resolve provider packages|Incompatible provider version|Required plugins are not installed)/i;

/**
 * Recognises `init` failing because a provider could not be installed, from the tool's text
 * output (Terraform and OpenTofu word it the same way). Undefined for any other failure.
 */
export function providerInstallFailure(output: string): ProviderFailure | undefined {
  const match = providerError.exec(output);
  if (!match) return undefined;
  // The diagnostic's text runs until the next blank line after its first paragraph; the tool wraps
  // it at ~78 columns, so join the lines back together.
  const after = output.slice(match.index + match[0].length);
  const paragraphs = after.split(/\n\s*\n/).map((p) => p.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ').trim());
  const detail = paragraphs.find((p) => p.length > 0) ?? match[1]!;
  const provider = /provider ((?:[\w.-]+\/)?[\w-]+\/[\w-]+)/.exec(detail)?.[1] ?? 'kreuzwerker/docker';
  const connect = /could not connect to ([\w.-]+)/i.exec(detail);
  const unreachable =
    Boolean(connect) ||
    /no such host|connection refused|i\/o timeout|network is unreachable|dial tcp/i.test(detail);
  const cause =
    /(no such host|connection refused|i\/o timeout|network is unreachable|TLS handshake timeout|context deadline exceeded)/i.exec(
      detail,
    )?.[1];
  const reason = connect
    ? `could not connect to ${connect[1]}${cause ? `: ${cause}` : ''}`
    : detail.length > 300
      ? `${detail.slice(0, 297)}…`
      : detail;
  return {
    provider: provider.replace(/^registry\.(terraform\.io|opentofu\.org)\//, ''),
    unreachable,
    reason,
  };
}

/** What to tell the user when the provider cannot be installed. */
export function providerAdvice(failure: ProviderFailure, tool: string): string {
  const why = failure.unreachable ? 'no registry reachable' : 'not found where the CLI configuration looks';
  return [
    `provider ${failure.provider} could not be installed: ${why} (${failure.reason}).`,
    'Install it from a local copy instead:',
    `  - a provider mirror: on a connected machine run \`${tool} providers mirror <dir>\` in the`,
    '    deployment directory, copy <dir> here, and point TF_CLI_CONFIG_FILE at a CLI configuration with',
    '      provider_installation { filesystem_mirror { path = "<dir>" } }',
    '  - or pass --plugin-dir <dir> (tofu init -plugin-dir) with the provider unpacked in <dir>.',
  ].join('\n');
}

/** One line of `-json` output (Terraform/OpenTofu machine-readable UI). */
export interface ToolEvent {
  type: string;
  '@level'?: string;
  '@message'?: string;
  diagnostic?: { severity: string; summary: string; detail?: string };
  changes?: { add: number; change: number; remove: number; import?: number; operation?: string };
  outputs?: Record<string, { sensitive?: boolean; value?: unknown; type?: unknown }>;
  hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
}

export function parseEvent(line: string): ToolEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const event = JSON.parse(line) as ToolEvent;
    return typeof event?.type === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
