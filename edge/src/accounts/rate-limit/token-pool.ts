/**
 * The isolate's pool of leased rate-limit tokens. A consumer's RateLimiterObject is the one place
 * that counts its requests; asking it on every request is a Durable Object round trip, the
 * largest cost of the gateway (issue 19, item 4). So the object hands out a block of counted
 * tokens at once (a lease) and the isolate spends them on the consumer's next requests without
 * asking again.
 *
 * Every token is counted by the object before it is handed out, so the limit stays a hard upper
 * bound whatever the number of isolates. The price: tokens an isolate holds but does not spend in
 * their window are lost for that window, so a consumer served by several isolates at once may get
 * slightly fewer than its limit. The object keeps that small: a lease is at most an eighth of what
 * is left in the window and at most MAX_LEASE tokens, so near the limit tokens go out one by one.
 *
 * Module-level on purpose: the pool must outlive one request to be of use, and it is bounded.
 */
import type { RateDecision } from './rate-limiter-object.ts';

/** Fixed one-minute windows, the object's and the pool's. */
export const WINDOW_MS = 60_000;
/** The most tokens one lease carries (bounds what an idle isolate can strand). */
export const MAX_LEASE = 32;
const MAX_CONSUMERS = 10_000;

/** What the object answers when it counts a block of requests at once. */
export interface RateLease {
  /** The decision for the first token: the request that asked. */
  decision: RateDecision;
  /** The window the tokens are counted in. */
  windowStart: number;
  /** Further tokens counted for this isolate to spend (0 when none or refused). */
  extra: number;
}

interface Block {
  windowStart: number;
  limit: number;
  /** `remaining` of the next token to hand out; the block is used up below `last`. */
  next: number;
  last: number;
}

/** consumer → route group → blocks, oldest first (Map order doubles as least-recently-leased). */
const pools = new Map<string, Map<string, Block[]>>();

export function resetSeconds(windowStart: number, now: number): number {
  return Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
}

/**
 * Spends one leased token of this consumer in this group, or returns null when the isolate has
 * none for the current window (then the object must be asked).
 */
export function takeLeased(consumer: string, group: string, now = Date.now()): RateDecision | null {
  const blocks = pools.get(consumer)?.get(group);
  if (!blocks) return null;
  const windowStart = now - (now % WINDOW_MS);
  while (blocks.length > 0) {
    const block = blocks[0]!;
    if (block.windowStart !== windowStart || block.next < block.last) {
      // Spent, or counted in a window that is over: its tokens are of no use any more.
      blocks.shift();
      continue;
    }
    const remaining = block.next--;
    return { allowed: true, limit: block.limit, remaining, resetSeconds: resetSeconds(windowStart, now) };
  }
  pools.get(consumer)?.delete(group);
  return null;
}

/** Whether the isolate holds a token of this consumer and group for the current window. */
export function hasLeased(consumer: string, group: string, now = Date.now()): boolean {
  const windowStart = now - (now % WINDOW_MS);
  return (pools.get(consumer)?.get(group) ?? []).some(
    (b) => b.windowStart === windowStart && b.next >= b.last,
  );
}

/** Keeps a lease's extra tokens (the first one went to the request that asked). */
export function keepLeased(consumer: string, group: string, lease: RateLease): void {
  if (!lease.decision.allowed || lease.extra <= 0) return;
  let groups = pools.get(consumer);
  if (!groups) {
    groups = new Map();
    pools.set(consumer, groups);
    // Insertion order: the first consumer is the one leased longest ago. Dropping its tokens
    // only lets it through less, never more.
    while (pools.size > MAX_CONSUMERS) pools.delete(pools.keys().next().value as string);
  }
  const blocks = groups.get(group) ?? [];
  const first = lease.decision.remaining;
  blocks.push({
    windowStart: lease.windowStart,
    limit: lease.decision.limit,
    next: first - 1,
    last: first - lease.extra,
  });
  groups.set(group, blocks);
}

/** Drops every token of this consumer (its key was revoked: nothing may be spent in its name). */
export function dropLeased(consumer: string): void {
  pools.delete(consumer);
}
