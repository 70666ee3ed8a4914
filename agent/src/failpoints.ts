/**
 * Fault injection for tests of crash safety (in the manner of etcd's gofail): KOMBIFY_AGENT_FAILPOINTS
 * lists points where the agent kills itself with SIGKILL, e.g. `after-execute`. Unset in normal use.
 */
const armed = new Set(
  (process.env.KOMBIFY_AGENT_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export type Failpoint = 'after-receive' | 'after-execute';

export function failpoint(name: Failpoint): void {
  if (armed.has(name)) {
    process.stderr.write(`failpoint ${name}: killing the agent\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
