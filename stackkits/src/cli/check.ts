/**
 * One target check of `stackkit prepare`, named and graded like the agent's pre-checks
 * (`passed`, `failed`, `warning`, `skipped`). Its own module so the probes that produce checks
 * (docker-probe.ts) and the list that runs them (checks.ts) do not import each other.
 */
export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';

export interface Check {
  name: string;
  /** What was checked, e.g. `80/tcp` or a node name. */
  target?: string;
  status: CheckStatus;
  message: string;
  /** A failure of this check stops a deploy. */
  blocking: boolean;
}
