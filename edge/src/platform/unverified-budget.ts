/**
 * The per-IP budget for credentials nobody has verified yet (issue 20, M7). A well-shaped API key
 * or agent token costs a Durable Object to check (the key's rate-limit object, the agent's
 * object with its tables and a Postgres lookup), so a stranger's guesses must not create objects
 * without bound. Before any object is asked, a credential this isolate has not seen accepted
 * spends one unit of its caller's per-minute budget; once the object accepts it, it is
 * remembered for a while and costs nothing more. Both maps are bounded, so the memory is too.
 *
 * This runs in one isolate: Cloudflare runs several per location, so an attacker may get a few
 * budgets, never an unbounded number of objects. The address is `CF-Connecting-IP`, which
 * Cloudflare sets on every request (a client's own value is replaced).
 */
const WINDOW_MS = 60_000;
/** How long an accepted credential skips the budget (its object still checks it every time). */
const REMEMBER_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

const windows = new Map<string, { start: number; used: number }>();
const accepted = new Map<string, number>();

function bounded<V>(map: Map<string, V>): void {
  // Insertion order: the first key is the oldest.
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}

/** The caller's address as Cloudflare reports it. */
export function clientAddress(headers: Headers): string {
  return headers.get('cf-connecting-ip') ?? 'unknown';
}

export interface BudgetDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Lets a not-yet-verified credential through to its object, or not. `credential` is a stable,
 * non-secret name for it (the key's hash, the agent id); `perMinute` the caller's budget.
 */
export function spendUnverified(
  address: string,
  credential: string,
  perMinute: number,
  now = Date.now(),
): BudgetDecision {
  const until = accepted.get(credential);
  if (until !== undefined && until > now) return { allowed: true, retryAfterSeconds: 0 };
  if (until !== undefined) accepted.delete(credential);
  let window = windows.get(address);
  if (!window || now - window.start >= WINDOW_MS) {
    windows.delete(address);
    window = { start: now, used: 0 };
    windows.set(address, window);
    bounded(windows);
  }
  if (window.used >= perMinute) {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000)),
    };
  }
  window.used += 1;
  return { allowed: true, retryAfterSeconds: 0 };
}

/** The object accepted this credential: it skips the budget for a while. */
export function rememberAccepted(credential: string, now = Date.now()): void {
  accepted.delete(credential);
  accepted.set(credential, now + REMEMBER_MS);
  bounded(accepted);
}
