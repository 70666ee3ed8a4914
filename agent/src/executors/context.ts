import type { JsonObject } from '@bufbuild/protobuf';

/** What an executor gets besides its params. */
export interface ExecContext {
  jobId: string;
  signal: AbortSignal;
  log(stream: 'stdout' | 'stderr' | 'system', text: string): void;
  progress(message: string, percent?: number): void;
  /**
   * The values of the job's `secrets` (path → value), fetched from the edge with the job's lease
   * (AgentService.FetchJobSecrets: once per lease). From then on every log line, progress message
   * and outcome of this job has those values masked, so one cannot slip out through an error text.
   */
  fetchSecrets(): Promise<Readonly<Record<string, string>>>;
}

export type Executor = (params: Record<string, unknown>, ctx: ExecContext) => Promise<JsonObject>;
