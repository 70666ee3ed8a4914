/**
 * What a server function reading the edge hands to the page. Expected failures are values, not
 * exceptions, so the page can say exactly what went wrong instead of falling into an error boundary.
 */
export type EdgeResult<T> = {
  /** The edge base URL the web server used (never the token). */
  edgeUrl: string;
  /** When the web server asked, in ms since the epoch. */
  fetchedAt: number;
} & ({ ok: true; data: T } | { ok: false; error: EdgeProblem });

export type EdgeProblem =
  /** No HTTP answer at all: connection refused, DNS, timeout. */
  | { kind: 'unreachable'; reason: string }
  /** The web server has no admin token to send. */
  | { kind: 'no-token'; tokenFile: string }
  /** The edge answered, but not with what we asked for. */
  | { kind: 'http'; status: number; code: string; message: string };

/** The problem in `result` if it is of `kind`, typed as that kind; for `<Show>`/`<Match>`. */
export function problemOf<K extends EdgeProblem['kind']>(
  result: EdgeResult<unknown> | undefined,
  kind: K,
): Extract<EdgeProblem, { kind: K }> | undefined {
  if (!result || result.ok || result.error.kind !== kind) return undefined;
  return result.error as Extract<EdgeProblem, { kind: K }>;
}

/** The data in `result` when the read succeeded. */
export function dataOf<T>(result: EdgeResult<T> | undefined): T | undefined {
  return result?.ok ? result.data : undefined;
}
