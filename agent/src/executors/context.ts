import type { JsonObject } from '@bufbuild/protobuf';

/** What an executor gets besides its params. */
export interface ExecContext {
  jobId: string;
  signal: AbortSignal;
  log(stream: 'stdout' | 'stderr' | 'system', text: string): void;
  progress(message: string, percent?: number): void;
}

export type Executor = (params: Record<string, unknown>, ctx: ExecContext) => Promise<JsonObject>;
