/**
 * An API key's admission: is the key good, and may this request pass its limit? The key's
 * RateLimiterObject answers both; this isolate remembers its answer so most requests need no
 * Durable Object round trip (issue 19, item 4):
 *
 * - the key's grant (who it acts for, its role) is trusted for KEY_RECHECK_MS after the object
 *   last confirmed it, then the object is asked again. Revoking a key (or disabling or removing
 *   its maker) evicts it from its object and from the isolate that served the revocation at once,
 *   so every other isolate refuses it within KEY_RECHECK_MS: that is the revocation bound
 *   (`npm run bench -- gateway` measures it, docs/api.md states it);
 * - the request is counted with a token the object leased to this isolate (token-pool.ts), so the
 *   limit stays exact as an upper bound;
 * - an accepted key's SHA-256 is kept beside it, so its hash is not computed on every request.
 *   Only keys the object accepted are kept (guesses cannot fill the map), and a forgotten key's
 *   entry goes with its grant, so a revoked key's clear text does not stay in memory.
 *
 * Module-level on purpose: a cache must outlive the request to be of use; it is bounded.
 */
import type { Env } from '../platform/env.ts';
import { sha256Hex } from '../platform/ids.ts';
import { consumerLimiter } from './rate-limit/rate-limit.ts';
import type { ApiKeyGrant, RateDecision } from './rate-limit/rate-limiter-object.ts';
import { dropLeased, hasLeased, keepLeased, MAX_LEASE, takeLeased } from './rate-limit/token-pool.ts';

/** How long an isolate trusts a key's grant without its object: the revocation bound. */
export const KEY_RECHECK_MS = 1000;
const MAX_KEYS = 10_000;

interface Grant {
  /** The key as presented, to forget its entry in `hashes` with the grant. */
  presented: string;
  key: ApiKeyGrant;
  expiresAt: number | null;
  /** When the object was asked (before its answer, so the age is never understated). */
  checkedAt: number;
}

/** By the key's SHA-256. */
const grants = new Map<string, Grant>();
/** Presented key → its SHA-256, for accepted keys only. */
const hashes = new Map<string, string>();

/** The SHA-256 of a presented key, as the database stores it. */
export async function apiKeyHash(presented: string): Promise<string> {
  return hashes.get(presented) ?? (await sha256Hex(presented));
}

export interface Admission {
  /** Null for an unknown, revoked or expired key. */
  key: ApiKeyGrant | null;
  decision: RateDecision | null;
}

/**
 * The slots (consumer and group) with a lease call under way: at most one at a time, so a request
 * that finds the pool dry, or that the object refused, can wait for it and spend one of its
 * tokens. The value tells one call from the next.
 */
const leasing = new Map<string, object>();
/** The longest a request waits for another request's lease before it asks the object itself. */
const LEASE_WAIT_MS = 2000;

/**
 * Waits until no lease is under way for the slot. On this request's own timers: in Workers a
 * request must not await a promise of another request's I/O (its continuation would run in the
 * other request's context, and the response it makes then fails: "Cannot perform I/O on behalf
 * of a different request").
 */
async function leaseLanded(slot: string): Promise<void> {
  const until = Date.now() + LEASE_WAIT_MS;
  while (leasing.has(slot) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Checks the key (presented, and its SHA-256) and counts the request in `group` (base limit `limit`). */
export async function admitApiKey(
  env: Env,
  presented: string,
  hash: string,
  group: string,
  limit: number,
  now = Date.now(),
): Promise<Admission> {
  const consumer = `api_key:${hash}`;
  const grant = grants.get(hash);
  const trusted =
    grant && now - grant.checkedAt < KEY_RECHECK_MS && (grant.expiresAt === null || grant.expiresAt > now);
  const slot = `${consumer}\n${group}`;
  if (trusted) {
    const decision = takeLeased(consumer, group, now);
    if (decision) return { key: grant.key, decision };
    // The pool ran dry and a lease is on its way: wait for it rather than make a call of our own
    // (with many requests in flight, most would otherwise ask the object one by one).
    if (leasing.has(slot)) {
      await leaseLanded(slot);
      const leased = takeLeased(consumer, group, now);
      // Still this key's grant: a revocation in the meantime dropped the tokens with it.
      const still = grants.get(hash);
      if (leased && still) return { key: still.key, decision: leased };
    }
  }
  // Asked anyway (to re-check the key) while tokens are left, or while a lease is under way:
  // count this request only.
  const want = leasing.has(slot) || hasLeased(consumer, group, now) ? 1 : MAX_LEASE;
  const call = {};
  if (want > 1) leasing.set(slot, call);
  let answer: Admission;
  try {
    answer = await askObject(env, presented, hash, group, limit, want, now);
  } finally {
    if (leasing.get(slot) === call) leasing.delete(slot);
  }
  if (!answer.key || !answer.decision) return { key: null, decision: null };
  if (!answer.decision.allowed) {
    // Refused, yet tokens counted before this request may be in this isolate, or on their way in
    // a lease under way: spend one rather than strand it, so one isolate admits exactly the limit.
    await leaseLanded(slot);
    const decision = takeLeased(consumer, group, now);
    if (decision) return { key: answer.key, decision };
  }
  return answer;
}

/** One call to the key's object; its answer is recorded (grant, extra tokens) before it resolves. */
async function askObject(
  env: Env,
  presented: string,
  hash: string,
  group: string,
  limit: number,
  want: number,
  now: number,
): Promise<Admission> {
  const consumer = `api_key:${hash}`;
  const answer = await consumerLimiter(env, consumer).apiKey(hash, group, limit, want);
  if (!answer.key || !answer.lease) {
    forgetApiKeyHere(hash);
    return { key: null, decision: null };
  }
  // Re-inserted, so Map order stays least-recently-confirmed first; the leased tokens stay.
  forgetGrant(hash);
  grants.set(hash, { presented, key: answer.key, expiresAt: answer.expiresAt, checkedAt: now });
  hashes.set(presented, hash);
  while (grants.size > MAX_KEYS) forgetApiKeyHere(grants.keys().next().value as string);
  keepLeased(consumer, group, answer.lease);
  return { key: answer.key, decision: answer.lease.decision };
}

/**
 * Forgets what this isolate knows of the key (grant and leased tokens). Call it beside the
 * object's `evictApiKey`: the revoking isolate then refuses the key from the next request on.
 */
export function forgetApiKeyHere(hash: string): void {
  forgetGrant(hash);
  dropLeased(`api_key:${hash}`);
}

function forgetGrant(hash: string): void {
  const grant = grants.get(hash);
  if (grant) hashes.delete(grant.presented);
  grants.delete(hash);
}
