import { action, query, revalidate } from '@solidjs/router';
import { isServer } from 'solid-js/web';
import type { EdgeResult } from './edge-result.ts';

type Failure = Extract<EdgeResult<unknown>, { ok: false }>;
type Reader<A extends unknown[], R> = (...args: A) => Promise<R>;
const UNREACHABLE = 'WEB_UNREACHABLE';

/**
 * In the browser a server function is a `fetch` to the web server, and a fetch that never got an
 * answer rejects with a TypeError. That happens for real: Chromium aborts requests in flight with
 * ERR_NETWORK_CHANGED when a network interface appears, e.g. the Docker bridge a deploy creates on
 * the same machine. Such a rejection must not reach the app's error boundary (which replaces the
 * whole page, open log streams included): it becomes a failure value like any other.
 */
function transportFailure(err: unknown): Failure | undefined {
  if (isServer || !(err instanceof TypeError)) return undefined;
  return {
    ok: false,
    status: 0,
    code: UNREACHABLE,
    message: `The web server did not answer (${err.message}). Check your connection and try again.`,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The call's answer, or its transport failure as a value; anything else still throws. */
async function settle<T>(call: () => Promise<EdgeResult<T>>): Promise<EdgeResult<T>> {
  try {
    return await call();
  } catch (err) {
    const failure = transportFailure(err);
    if (failure) return failure;
    throw err;
  }
}

/** How soon a section that could not be read tries again by itself. */
const RETRY_MS = 5000;

/**
 * `query` for server functions that answer an EdgeResult. A read that fails in transport is tried
 * once more (reads are safe to repeat, and the usual cause passes in a moment), then shown as a
 * failure instead of breaking the page, and read again every few seconds until it answers: not
 * every section is re-read on a timer, and none should stay broken after the connection is back.
 */
export function edgeQuery<A extends unknown[], T>(fn: Reader<A, EdgeResult<T>>, key: string) {
  const read = query(async (...args: A): Promise<EdgeResult<T>> => {
    const first = await settle(() => fn(...args));
    if (first.ok || first.code !== UNREACHABLE) return first;
    await pause(500);
    const second = await settle(() => fn(...args));
    if (!second.ok && second.code === UNREACHABLE) {
      setTimeout(() => void revalidate(read.keyFor(...args)), RETRY_MS);
    }
    return second;
  }, key);
  return read;
}

/**
 * `action` for server functions that answer an EdgeResult. A change is not repeated on its own
 * (the first try may have reached the edge); a transport failure is answered as a failure value
 * the form shows, so the user can decide to try again.
 */
export function edgeAction<A extends unknown[], T>(fn: Reader<A, EdgeResult<T>>, key: string) {
  return action((...args: A) => settle(() => fn(...args)), key);
}
