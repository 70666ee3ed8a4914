/** Discovery runs and the unreviewed tools they file (at most once per source package). */
import { count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { discoveryRuns, tools } from '../platform/db/schema.ts';
import { sha256Hex } from '../platform/ids.ts';

export type DiscoveryRun = typeof discoveryRuns.$inferSelect;
export type DiscoveryResult = DiscoveryRun['results'][number];

export async function startRun(
  db: Db,
  run: { id: string; source: string; keywords: string[]; startedBy: string },
): Promise<void> {
  await db.insert(discoveryRuns).values({ ...run, status: 'running' });
}

export async function finishRun(
  db: Db,
  id: string,
  outcome: { status: 'succeeded' | 'failed'; results: DiscoveryResult[]; error: string | null },
): Promise<DiscoveryRun> {
  const rows = await db
    .update(discoveryRuns)
    .set({ ...outcome, finishedAt: sql`now()` })
    .where(eq(discoveryRuns.id, id))
    .returning();
  return rows[0]!;
}

export async function listRuns(db: Db, page: { limit: number; offset: number }) {
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(discoveryRuns)
      .orderBy(desc(discoveryRuns.startedAt), desc(discoveryRuns.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(discoveryRuns),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}

export async function getRun(db: Db, id: string): Promise<DiscoveryRun | null> {
  const rows = await db.select().from(discoveryRuns).where(eq(discoveryRuns.id, id)).limit(1);
  return rows[0] ?? null;
}

/**
 * Files a candidate unless its source is already in the catalog (unique `source`), so re-runs
 * and concurrent runs file nothing twice. An id taken by another tool gets a hash suffix.
 */
export async function fileCandidate(
  db: Db,
  tool: typeof tools.$inferInsert & { source: string },
): Promise<{ toolId: string; outcome: 'filed' | 'existing' }> {
  for (const id of [tool.id, `${tool.id.slice(0, 55)}-${(await sha256Hex(tool.source)).slice(0, 8)}`]) {
    const inserted = await db
      .insert(tools)
      .values({ ...tool, id })
      .onConflictDoNothing()
      .returning({ id: tools.id });
    if (inserted[0]) return { toolId: inserted[0].id, outcome: 'filed' };
    const existing = await db
      .select({ id: tools.id })
      .from(tools)
      .where(eq(tools.source, tool.source))
      .limit(1);
    if (existing[0]) return { toolId: existing[0].id, outcome: 'existing' };
  }
  throw new Error(`no free catalog id for ${tool.source}`);
}
