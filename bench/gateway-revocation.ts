/**
 * How long a revoked API key keeps working (issue 19, item 4). The gateway trusts a key's grant in
 * each isolate for a bounded time (edge/src/accounts/api-key-admission.ts); this measures the
 * bound as a client sees it: from the revocation's answer to the last request still accepted
 * (when it was sent), with the key in use (its grant cached, tokens leased) right up to the
 * revocation. The first refusal's answer comes a little later: the key's object looks it up in
 * Postgres again, now that its cache was evicted.
 *
 * Two paths: `elsewhere` revokes the way a revocation served by another isolate reaches this one
 * (the row and the key's object, not this isolate's cache: `DELETE /_bench/revoke/:id`), the
 * bound every other isolate honours; `here` is the real `DELETE /api/keys/:id`, which also clears
 * the cache of the isolate that serves it.
 */
import type { Stack } from '../test/harness/stack.ts';
import { sleep } from './stats.ts';

const GIVE_UP_MS = 10_000;
/**
 * Requests after the revocation are paced: a key used flat out spends the isolate's leased tokens
 * within the bound, and the object, asked for more, refuses it early. Paced, the grant's own
 * bound is what ends it (at this resolution).
 */
const PACE_MS = 40;

export interface Revocation {
  /**
   * Milliseconds from the revocation's answer to the start of the last request that was still
   * accepted (0 when none was): how long the key kept working. This is what the bound is about.
   */
  workedForMs: number;
  /** Milliseconds from the revocation's answer to the first refusal's answer (that request's own time included). */
  refusedAfterMs: number;
  /** Requests the key still got through after the revocation was answered. */
  acceptedAfter: number;
}

export async function timeRevocation(
  stack: Stack,
  path: 'elsewhere' | 'here',
  trial: number,
  /** How long an isolate trusts a grant (KEY_RECHECK_MS). */
  recheckMs: number,
): Promise<Revocation> {
  const made = await stack.api('/api/keys', {
    body: { name: `bench revoke ${path} ${trial}`, role: 'member' },
  });
  if (made.status !== 201) throw new Error(`making a key answered ${made.status}`);
  const { key, id } = made.body.data as { key: string; id: string };
  const chain = () =>
    fetch(`${stack.edgeUrl}/_bench/chain`, { headers: { authorization: `Bearer ${key}` } }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
    );
  // In use up to the revocation, and the worst moment for it: the isolate's grant has just been
  // re-checked (it was left to go stale, then used), so it is trusted for as long as it can be.
  for (let i = 0; i < 5; i++) if ((await chain()) !== 200) throw new Error('a fresh key was refused');
  await sleep(recheckMs + 50);
  if ((await chain()) !== 200) throw new Error('a fresh key was refused');
  const revoke =
    path === 'elsewhere'
      ? await stack.api(`/_bench/revoke/${id}`, { method: 'DELETE' })
      : await stack.api(`/api/keys/${id}`, { method: 'DELETE' });
  if (revoke.status !== 200) throw new Error(`revoking answered ${revoke.status}`);
  const revokedAt = performance.now();
  let acceptedAfter = 0;
  let workedForMs = 0;
  for (let tick = 1; ; tick++) {
    const sent = performance.now();
    const status = await chain();
    if (status === 401) return { workedForMs, refusedAfterMs: performance.now() - revokedAt, acceptedAfter };
    if (status !== 200) throw new Error(`a revoked key's request answered ${status}`);
    acceptedAfter++;
    workedForMs = sent - revokedAt;
    await sleep(Math.max(0, revokedAt + tick * PACE_MS - performance.now()));
    if (performance.now() - revokedAt > GIVE_UP_MS)
      throw new Error(`still accepted ${GIVE_UP_MS} ms after revocation`);
  }
}
