/**
 * Test helpers for the CLI suites: run the real bin (`node stackkits/bin/stackkit.js`) as a child
 * process in a temp directory (or on a pseudo-terminal), a fake `tofu` that speaks just enough of
 * the -json protocol to drive plan/apply/destroy without a provider, and a fake edge on a local
 * port that records what it was sent.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/stackkit.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** What stdin holds: text, or raw bytes (stdin is a pipe, never a terminal). */
  input?: string | Uint8Array;
  timeoutMs?: number;
}

/** The environment the bin runs in: the test's, minus anything that would change its output. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'KOMBIFY_EDGE_URL', 'KOMBIFY_TOKEN', 'DOCKER_HOST'])
    delete env[key];
  // Node first, so the bin runs on the same Node as the tests.
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? '/usr/bin:/bin'}`;
  return { ...env, ...extra };
}

export function runCli(args: readonly string[], options: RunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd,
      env: baseEnv(options.env) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
    // A command that fails early exits before reading stdin; that EPIPE is not the test's concern.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

const made: string[] = [];

export function tempDir(prefix = 'stackkit-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fake `tofu` in `<dir>/bin`: `version -json`, `init` (sleeps FAKE_INIT_SLEEP seconds first),
 * `plan -json [-destroy] [-out=f]` (one container to create, or to delete with -destroy) and
 * `apply -json f` (writes terraform.tfstate: one container, or none after a destroy plan). Every
 * call is appended to `<dir>/calls.log`.
 */
export function fakeTofu(dir: string): { bin: string; log: string } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const state = (resources: string) =>
    `{"version":4,"terraform_version":"1.8.0","serial":1,"lineage":"x","outputs":{"traefik_url":{"value":"http://server:8080","type":"string"}},"resources":[${resources}]}`;
  const container =
    '{"mode":"managed","type":"docker_container","name":"server_traefik","provider":"provider[\\"registry.opentofu.org/kreuzwerker/docker\\"].server","instances":[{"attributes":{"labels":[{"label":"kombify.stack","value":"lab"}]}}]}';
  const script = `#!/bin/sh
echo "$*" >> '${log}'
case "$1" in
  version) echo '{"terraform_version":"1.8.0","platform":"linux_amd64"}' ;;
  init)
    if [ -n "$FAKE_INIT_SLEEP" ]; then exec sleep "$FAKE_INIT_SLEEP"; fi
    echo "OpenTofu has been successfully initialized!" ;;
  plan)
    out=""; destroy=""
    for a in "$@"; do
      case "$a" in -out=*) out="\${a#-out=}" ;; -destroy) destroy=1 ;; esac
    done
    if [ -n "$destroy" ]; then
      echo '{"type":"planned_change","@message":"docker_container.server_traefik: Plan to delete","change":{"resource":{"addr":"docker_container.server_traefik"},"action":"delete"}}'
      echo '{"type":"change_summary","@message":"Plan: 0 to add, 0 to change, 1 to destroy.","changes":{"add":0,"change":0,"remove":1,"operation":"destroy"}}'
      if [ -n "$out" ]; then echo destroy > "$out"; fi
    else
      echo '{"type":"planned_change","@message":"docker_container.server_traefik: Plan to create","change":{"resource":{"addr":"docker_container.server_traefik"},"action":"create"}}'
      echo '{"type":"change_summary","@message":"Plan: 1 to add, 0 to change, 0 to destroy.","changes":{"add":1,"change":0,"remove":0,"operation":"plan"}}'
      if [ -n "$out" ]; then echo apply > "$out"; fi
    fi ;;
  apply)
    for a in "$@"; do plan="$a"; done
    if [ "$(cat "$plan")" = destroy ]; then
      echo '${state('')}' > terraform.tfstate
      echo '{"type":"apply_complete","@message":"docker_container.server_traefik: Destruction complete after 1s"}'
    else
      echo '${state(container)}' > terraform.tfstate
      echo '{"type":"apply_complete","@message":"docker_container.server_traefik: Creation complete after 1s"}'
      echo '{"type":"outputs","@message":"Outputs: 1","outputs":{"traefik_url":{"sensitive":false,"type":"string","value":"http://server:8080"}}}'
    fi ;;
  *) echo "fake tofu: unexpected $1" >&2; exit 9 ;;
esac
`;
  writeFileSync(log, '');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'tofu'), script);
  chmodSync(join(bin, 'tofu'), 0o755);
  return { bin, log };
}

/** A request the fake edge received. */
export interface SeenRequest {
  method: string;
  url: string;
  type: string;
  auth: string;
  body: string;
}

/** An HTTP server on 127.0.0.1 answering each request with `handler`'s JSON; close it when done. */
export async function fakeEdge(
  handler: (req: SeenRequest) => { status: number; body: unknown },
): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        type: req.headers['content-type'] ?? '',
        auth: req.headers.authorization ?? '',
        body,
      };
      seen.push(s);
      const out = handler(s);
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, server };
}

/**
 * Runs the bin on a terminal (util-linux `script` gives it a pty); once `waitFor` shows in its
 * output, types `answer`. `out` is everything the terminal showed, stdout and stderr together.
 */
export function runOnTerminal(
  args: string[],
  options: { cwd: string; path?: string; env?: Record<string, string>; waitFor: string; answer: string },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const command = [process.execPath, binPath, ...args].map((a) => `'${a}'`).join(' ');
    const path = `${options.path ? `${options.path}:` : ''}${dirname(process.execPath)}:/usr/bin:/bin`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { ...baseEnv({ PATH: path }), TERM: 'xterm', ...options.env } as NodeJS.ProcessEnv,
    });
    let out = '';
    let answered = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!answered && out.includes(options.waitFor)) {
        answered = true;
        child.stdin.write(options.answer);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
