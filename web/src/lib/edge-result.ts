import type { ErrorCode } from '@kombify/proto/error-codes';
import type { PositionedIssue } from '@kombify/proto/issue';

/**
 * Failures the web app reports itself: the edge did not answer (`UNREACHABLE`), the browser's
 * call to the web server did not (`WEB_UNREACHABLE`), an answer had an unexpected shape, or a
 * redirect target was missing (`NO_URL`). Everything else is one of the edge's codes.
 */
export type WebErrorCode = 'UNREACHABLE' | 'WEB_UNREACHABLE' | 'UNEXPECTED_RESPONSE' | 'NO_URL';

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
      code: ErrorCode | WebErrorCode;
      message: string;
      /** The edge's per-field problems (`VALIDATION_FAILED`): path, code, message, maybe line/column. */
      details?: PositionedIssue[];
    };

/** The data when the read succeeded. */
export function dataOf<T>(result: EdgeResult<T> | undefined): T | undefined {
  return result?.ok ? result.data : undefined;
}

/** The failure when the read failed. */
export function failureOf<T>(result: EdgeResult<T> | undefined) {
  return result && !result.ok ? result : undefined;
}
