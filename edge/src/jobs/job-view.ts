/** The API's view of a job (GET /v1/orchestrator/jobs/{id}): snake_case, ISO times. */
import { redactParams } from './job-redaction.ts';
import type { JobEvent, JobRecord, LogLineRecord } from './job-store.ts';

/**
 * A JSON object as it crosses a Durable Object boundary: its values are anything but undefined.
 * Looser than protobuf's recursive `JsonObject` on purpose: workers-types' RPC types recurse
 * without end on a recursive type (TS2589, cloudflare/workerd#3063), and this is what lets the
 * AgentObject's stub be typed from the class itself. Every `JsonObject` is one.
 */
export type JsonFields = { [key: string]: NonNullable<unknown> | null };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface JobView {
  id: string;
  worker_id: string;
  type: string;
  params: JsonFields;
  status: JobRecord['status'];
  attempt: number;
  max_attempts: number;
  result: JsonFields | null;
  error: { code: string; message: string } | null;
  progress: { message: string | null; percent: number | null };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  lease_expires_at: string | null;
  events: { at: string; kind: string; message: string }[];
  log: { seq: number; at: string; stream: string; text: string }[];
}

export function toJobView(
  workerId: string,
  job: JobRecord,
  events: JobEvent[],
  log: LogLineRecord[],
): JobView {
  return {
    ...toJobSummary(workerId, job),
    // Never as stored: what the agent needs may be secret (issue 20, M4).
    params: redactParams(job.type, job.params),
    result: job.result,
    lease_expires_at: iso(job.leaseExpiresAt),
    events: events.map((e) => ({ at: iso(e.at)!, kind: e.kind, message: e.message })),
    log: log.map((l) => ({ seq: l.seq, at: iso(l.at)!, stream: l.stream, text: l.text })),
  };
}

/**
 * A job as a list shows it: no params, result, events or log — params and results can carry
 * what only the job's own view should show, and a list is read far more often.
 */
export function toJobSummary(workerId: string, job: JobRecord) {
  return {
    id: job.id,
    worker_id: workerId,
    type: job.type,
    status: job.status,
    attempt: job.attempt,
    max_attempts: job.maxAttempts,
    error: job.error,
    progress: { message: job.progressMessage, percent: job.progressPercent },
    created_at: iso(job.createdAt)!,
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    updated_at: iso(job.updatedAt)!,
  };
}
export type JobSummary = ReturnType<typeof toJobSummary>;
