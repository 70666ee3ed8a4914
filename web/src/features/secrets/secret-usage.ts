/**
 * The secret list's "used by": the store's secrets merged with the paths the org's stacks refer to
 * (`GET /v1/orchestrator/secret-usage`), so a row says which stacks use a secret, and a path a
 * stack refers to but the store lacks is a row of its own (that stack's deploys are refused).
 */
import type { SecretMeta, SecretUsage } from '@kombify/proto/api';

/** One stack using a path, with the services of it that do (each once, sorted). */
export interface StackUse {
  stack_id: string;
  stack_name: string;
  services: string[];
}

/** One row of the list: a stored secret (`meta`), or a path only stacks know of (no `meta`). */
export interface SecretRow {
  path: string;
  meta?: SecretMeta;
  /** The stacks using it; undefined when the usage could not be read (not the same as none). */
  usedBy?: StackUse[];
}

/** A path's uses grouped by stack, in the edge's order (by stack name), services deduplicated. */
export function stacksUsing(uses: SecretUsage['used_by']): StackUse[] {
  const byStack = new Map<string, StackUse>();
  for (const u of uses) {
    const s = byStack.get(u.stack_id) ?? { stack_id: u.stack_id, stack_name: u.stack_name, services: [] };
    // A service may use one path in two fields (an env var and a file).
    if (!s.services.includes(u.service)) s.services.push(u.service);
    byStack.set(u.stack_id, s);
  }
  return [...byStack.values()].map((s) => ({ ...s, services: s.services.sort() }));
}

/**
 * Every stored secret and every path a stack refers to, sorted by path. Without `usage` (its
 * read failed) the rows are the stored secrets alone, with `usedBy` unknown.
 */
export function secretRows(
  secrets: readonly SecretMeta[],
  usage: readonly SecretUsage[] | undefined,
): SecretRow[] {
  if (!usage) return secrets.map((meta) => ({ path: meta.path, meta }));
  const uses = new Map(usage.map((u) => [u.path, stacksUsing(u.used_by)]));
  const rows: SecretRow[] = secrets.map((meta) => ({
    path: meta.path,
    meta,
    usedBy: uses.get(meta.path) ?? [],
  }));
  const stored = new Set(secrets.map((s) => s.path));
  for (const [path, usedBy] of uses) {
    if (!stored.has(path) && usedBy.length > 0) rows.push({ path, usedBy });
  }
  // The code-unit order the edge sorts its secret list in (SQL `ORDER BY path`), not the locale's.
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A run of text, or a link to a stack's page. */
export type Part = { text: string; href?: string };

const stackLink = (s: StackUse): Part => ({
  text: s.stack_name,
  href: `/stacks/${encodeURIComponent(s.stack_id)}`,
});

/** The stacks as links: `a`, `a and b`, `a, b and c`. */
function listed(stacks: readonly StackUse[]): Part[] {
  return stacks.flatMap((s, i) =>
    i === 0 ? [stackLink(s)] : [{ text: i === stacks.length - 1 ? ' and ' : ', ' }, stackLink(s)],
  );
}

/** `used by: shop (app, postgres); blog (db)` with each stack a link, or that nothing uses it. */
export function usedByParts(stacks: readonly StackUse[]): Part[] {
  if (stacks.length === 0) return [{ text: 'not used by any stack' }];
  return [
    { text: 'used by: ' },
    ...stacks.flatMap((s, i) => [
      ...(i > 0 ? [{ text: '; ' }] : []),
      stackLink(s),
      { text: ` (${s.services.join(', ')})` },
    ]),
  ];
}

/** `missing — deploys of shop and blog will be refused until it is set`, each stack a link. */
export function missingParts(stacks: readonly StackUse[]): Part[] {
  return [{ text: 'missing — deploys of ' }, ...listed(stacks), { text: ' will be refused until it is set' }];
}

/** The parts as plain text (an accessible name, a confirmation's words). */
export const partsText = (parts: readonly Part[]) => parts.map((p) => p.text).join('');
