/**
 * Roles, lowest to highest: the one ordering for every check (grants, key rights, claim mapping)
 * and every list of roles the edge validates or the web offers. Four are roles in an org;
 * `platform-admin` is the platform's own operators, above every org role. Plain data, no zod, so
 * a page can import it without the schema library; the zod enums are in ./api.ts.
 */

export const roles = ['viewer', 'member', 'admin', 'owner', 'platform-admin'] as const;
export type Role = (typeof roles)[number];

/** The roles a member of an org can hold (`platform-admin` is granted by the platform). */
export type OrgRole = Exclude<Role, 'platform-admin'>;
export const orgRoles: readonly OrgRole[] = roles.filter((r): r is OrgRole => r !== 'platform-admin');

/** The roles an API key can carry: an org role below owner (a key cannot manage the org's owners). */
export type KeyRole = Exclude<OrgRole, 'owner'>;
export const keyRoles: readonly KeyRole[] = orgRoles.filter((r): r is KeyRole => r !== 'owner');

/** 1 for the lowest role up to 5 for `platform-admin`; 0 for a string that is no role. */
export function roleRank(role: string): number {
  return roles.indexOf(role as Role) + 1;
}

/** True when `role` is at least `minimum` (both may come from storage, so plain strings). */
export function atLeast(role: string, minimum: string): boolean {
  return roleRank(role) >= roleRank(minimum);
}

/** The roles from `minimum` up, lowest first (who may pass a gate that needs `minimum`). */
export function rolesFrom(minimum: Role): Role[] {
  return roles.filter((r) => atLeast(r, minimum));
}

/** The highest of `among` (e.g. `roles`, `orgRoles`) that a list (claims) names, or null. */
export function highestRole<R extends Role>(claimed: readonly string[], among: readonly R[]): R | null {
  return [...among].reverse().find((r) => claimed.includes(r)) ?? null;
}
