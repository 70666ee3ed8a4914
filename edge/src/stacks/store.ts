/** The stack index: which org owns a stack. Everything else about a stack lives in its StackObject. */
import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { stacks } from '../platform/db/schema.ts';
import { ok, type Result, refuse } from '../platform/result.ts';

export type StackRow = typeof stacks.$inferSelect;

/**
 * Records a new stack in one statement, only while the org has fewer than `maxStacks` (two racing
 * creates cannot both pass the limit). Refused with RESOURCE_LIMIT when the limit was reached, and
 * with CONFLICT when the org already has a stack of that name; the caller words the message.
 */
export async function insertStack(
  db: Db,
  row: { id: string; orgId: string; name: string; kit: string },
  maxStacks: number,
): Promise<Result<StackRow, 'RESOURCE_LIMIT' | 'CONFLICT'>> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO ${stacks} (id, org_id, name, kit)
    SELECT ${row.id}, ${row.orgId}, ${row.name}, ${row.kit}
     WHERE (SELECT count(*) FROM ${stacks} s WHERE s.org_id = ${row.orgId}) < ${maxStacks}
    ON CONFLICT (org_id, name) DO NOTHING
    RETURNING id`);
  if (result.rows.length === 1) return ok((await getStack(db, row.orgId, row.id))!);
  const existing = await db
    .select({ id: stacks.id })
    .from(stacks)
    .where(and(eq(stacks.orgId, row.orgId), eq(stacks.name, row.name)))
    .limit(1);
  return existing.length > 0
    ? refuse('CONFLICT', `this org already has a stack named ${row.name}`)
    : refuse('RESOURCE_LIMIT', `the org has ${maxStacks} stack(s), its limit`);
}

export async function getStack(db: Db, orgId: string, id: string): Promise<StackRow | null> {
  const rows = await db
    .select()
    .from(stacks)
    .where(and(eq(stacks.orgId, orgId), eq(stacks.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listStacks(db: Db, orgId: string, page: { limit: number; offset: number }) {
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(stacks)
      .where(eq(stacks.orgId, orgId))
      .orderBy(desc(stacks.createdAt), stacks.id)
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(stacks).where(eq(stacks.orgId, orgId)),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function deleteStack(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(stacks)
    .where(and(eq(stacks.orgId, orgId), eq(stacks.id, id)))
    .returning({ id: stacks.id });
  return rows.length === 1;
}

/** Mirrors the StackObject's status (and the kit of the current spec version) into the index. */
export async function setStackStatus(
  db: Db,
  id: string,
  change: { status?: string; kit?: string },
): Promise<void> {
  await db
    .update(stacks)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(stacks.id, id));
}
