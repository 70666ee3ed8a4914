/** Heartbeat samples for the dashboard's charts: one row per heartbeat, the last hour kept. */
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { agentSamples, agents, type NodeFactsRecord } from '../platform/db/schema.ts';

const KEEP_MS = 60 * 60 * 1000;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** CPU load per core and memory/disk fractions in use, from the facts an agent reports; null if it reported none. */
export function sampleOf(facts: NodeFactsRecord): { cpu: number; memory: number; disk: number } | null {
  const cores = num(facts.cpu_count);
  const load = num(facts.load_average_1m);
  const memTotal = num(facts.memory_total_bytes);
  const memFree = num(facts.memory_free_bytes);
  const diskTotal = num(facts.disk_total_bytes);
  const diskFree = num(facts.disk_free_bytes);
  if (!cores || load === null || !memTotal || memFree === null || !diskTotal || diskFree === null)
    return null;
  const fraction = (used: number, total: number) => Math.min(1, Math.max(0, used / total));
  return {
    cpu: Math.max(0, load / cores),
    memory: fraction(memTotal - memFree, memTotal),
    disk: fraction(diskTotal - diskFree, diskTotal),
  };
}

/**
 * Stores one sample per entry that has usage figures and drops those agents' samples older than
 * an hour, in one round trip. Samples of agents deleted meanwhile are skipped rather than failing
 * the other agents' samples in the same batch.
 */
export async function recordSamples(
  db: Db,
  entries: readonly { agentId: string; facts: NodeFactsRecord }[],
): Promise<void> {
  const rows = entries.flatMap(({ agentId, facts }) => {
    const s = sampleOf(facts);
    return s ? [sql`(${agentId}::text, ${s.cpu}::real, ${s.memory}::real, ${s.disk}::real)`] : [];
  });
  if (rows.length === 0) return;
  const ids = [...new Set(entries.map((e) => e.agentId))];
  const cutoff = new Date(Date.now() - KEEP_MS);
  await db.execute(sql`
    WITH pruned AS (
      DELETE FROM ${agentSamples}
       WHERE ${inArray(agentSamples.agentId, ids)} AND ${agentSamples.at} < ${cutoff}
    )
    INSERT INTO ${agentSamples} (agent_id, cpu, memory, disk)
    SELECT v.agent_id, v.cpu, v.memory, v.disk
      FROM (VALUES ${sql.join(rows, sql`, `)}) AS v(agent_id, cpu, memory, disk)
      JOIN ${agents} ON ${agents.id} = v.agent_id`);
}

/** The org's samples from the last `minutes`, oldest first, with the agent each belongs to. */
export async function recentSamples(db: Db, orgId: string, minutes: number) {
  const since = new Date(Date.now() - minutes * 60_000);
  return db
    .select({
      agentId: agentSamples.agentId,
      at: agentSamples.at,
      cpu: agentSamples.cpu,
      memory: agentSamples.memory,
      disk: agentSamples.disk,
    })
    .from(agentSamples)
    .innerJoin(agents, eq(agents.id, agentSamples.agentId))
    .where(
      and(
        eq(agents.orgId, orgId),
        gt(agentSamples.at, since),
        lt(agentSamples.at, sql`now() + interval '1 minute'`),
      ),
    )
    .orderBy(asc(agentSamples.at));
}
