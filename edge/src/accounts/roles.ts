/** Roles, lowest to highest: one ordering for every check (grants, key rights, claim mapping). */
const order = ['viewer', 'member', 'admin', 'owner', 'platform-admin'] as const;

export function roleRank(role: string): number {
  return order.indexOf(role as (typeof order)[number]) + 1;
}

/** True when `role` is at least `minimum`. */
export function atLeast(role: string, minimum: string): boolean {
  return roleRank(role) >= roleRank(minimum);
}

/** The highest known role in a list (claims), or null. */
export function highestRole(roles: readonly string[]): string | null {
  return [...order].reverse().find((r) => roles.includes(r)) ?? null;
}
