import 'server-only';
import type { EdgeResult } from '../lib/edge-result.ts';
import { adminToken, edgeUrl } from './edge-config.ts';

/** The dashboard refreshes every 5 s; a slower edge is reported rather than queued up. */
const TIMEOUT_MS = 4000;

type ErrorBody = { error?: { code?: unknown; message?: unknown } };

/**
 * GET a JSON document from the edge. `auth` adds the admin bearer token. `accept` says which statuses
 * carry a usable body (health answers 503 with the same JSON when unhealthy) and checks its shape.
 */
export async function getEdgeJson<T>(
  path: string,
  opts: { auth: boolean; accept?: number[]; parse: (body: unknown) => T | undefined },
): Promise<EdgeResult<T>> {
  const base = edgeUrl();
  const meta = { edgeUrl: base, fetchedAt: Date.now() };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.auth) {
    const token = adminToken();
    if (!token.ok) return { ...meta, ok: false, error: { kind: 'no-token', tokenFile: token.tokenFile } };
    headers.authorization = `Bearer ${token.value}`;
  }

  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    return { ...meta, ok: false, error: { kind: 'unreachable', reason: describe(err) } };
  }

  const body: unknown = await res.json().catch(() => undefined);
  const accepted = opts.accept ?? [200];
  if (accepted.includes(res.status)) {
    const data = opts.parse(body);
    if (data !== undefined) return { ...meta, ok: true, data };
  }
  const error = (body as ErrorBody | undefined)?.error;
  return {
    ...meta,
    ok: false,
    error: {
      kind: 'http',
      status: res.status,
      code: typeof error?.code === 'string' ? error.code : 'UNEXPECTED_RESPONSE',
      message:
        typeof error?.message === 'string'
          ? error.message
          : `GET ${path} answered HTTP ${res.status} without the expected JSON body`,
    },
  };
}

/** A one-line reason for a failed fetch. Node's `fetch failed` hides the useful part in `cause`. */
function describe(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError')
    return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (err instanceof Error) {
    // Node reports `fetch failed` with the socket error as `cause`; connecting to a name with
    // several addresses (localhost) nests one error per address in an AggregateError.
    let cause = err.cause;
    if (cause instanceof AggregateError && cause.errors[0] instanceof Error) cause = cause.errors[0];
    if (cause instanceof Error && cause.message) return cause.message;
    return err.message;
  }
  return String(err);
}
