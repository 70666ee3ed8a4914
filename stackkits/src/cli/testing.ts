/**
 * Test helpers for the CLI suites: run the real bin (`node stackkits/bin/stackkit.js`) as a child
 * process in a temp directory, and a fake `tofu` that speaks just enough of the -json protocol to
 * drive plan/apply/destroy without a provider.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Text for stdin (stdin is a pipe, never a terminal). */
  input?: string;
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
