/**
 * What a server function reading the edge hands to the page. Expected failures are values, not
 * exceptions, so the page can say what went wrong instead of falling into an error boundary.
 * `status` 0 means the edge did not answer at all.
 */
export type EdgeResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      status: number;
      code: string;
      message: string;
      /** The edge's per-field problems (`VALIDATION_FAILED`): path, code, message, maybe line/column. */
      details?: { path: string; code: string; message: string; line?: number; column?: number }[];
    };

/** The data when the read succeeded. */
export function dataOf<T>(result: EdgeResult<T> | undefined): T | undefined {
  return result?.ok ? result.data : undefined;
}

/** The failure when the read failed. */
export function failureOf<T>(result: EdgeResult<T> | undefined) {
  return result && !result.ok ? result : undefined;
}
