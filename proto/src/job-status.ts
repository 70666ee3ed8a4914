/**
 * A job's life on a worker's queue (the AgentObject's job store): queued → running → one of the
 * terminal statuses. Once terminal, a job never changes again (no lease, no retry, no cancel).
 */

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const terminalJobStatuses = ['succeeded', 'failed', 'cancelled'] as const;
export type TerminalJobStatus = (typeof terminalJobStatuses)[number];

/** Whether a job (or a workflow's copy of one) has ended. */
export function isTerminal<S extends string>(status: S): status is Extract<S, TerminalJobStatus> {
  return (terminalJobStatuses as readonly string[]).includes(status);
}
