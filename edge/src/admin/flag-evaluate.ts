/**
 * Feature flag evaluation, the same everywhere: a user override wins, then an org override, then
 * the platform switch with a percentage rollout by a stable hash of flag and user (so one user
 * always gets the same answer, and raising the percentage only ever adds users).
 */
export interface FlagDefinition {
  key: string;
  enabled: boolean;
  rolloutPercent: number;
  targeting: { orgs?: Record<string, boolean>; users?: Record<string, boolean> };
}

/** FNV-1a, 32 bit: fast, stable across runtimes, well spread for bucketing. */
export function bucket(flagKey: string, subject: string): number {
  let h = 0x811c9dc5;
  const text = `${flagKey}:${subject}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 100;
}

export function evaluateFlag(
  flag: FlagDefinition,
  who: { sub?: string | null; orgId?: string | null },
): boolean {
  const user = who.sub ? flag.targeting.users?.[who.sub] : undefined;
  if (user !== undefined) return user;
  const org = who.orgId ? flag.targeting.orgs?.[who.orgId] : undefined;
  if (org !== undefined) return org;
  if (!flag.enabled) return false;
  if (flag.rolloutPercent >= 100) return true;
  if (flag.rolloutPercent <= 0) return false;
  return bucket(flag.key, who.sub ?? who.orgId ?? '') < flag.rolloutPercent;
}

/** Every flag for one subject, and when the newest of them last changed. */
export function evaluateFlags(
  flags: readonly (FlagDefinition & { updatedAt: Date })[],
  who: { sub?: string | null; orgId?: string | null },
): { flags: Record<string, boolean>; updatedAt: Date | null } {
  return {
    flags: Object.fromEntries(flags.map((f) => [f.key, evaluateFlag(f, who)])),
    updatedAt: flags.reduce<Date | null>((max, f) => (!max || f.updatedAt > max ? f.updatedAt : max), null),
  };
}
