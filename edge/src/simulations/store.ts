/** Queries for KombiSim simulations and nodes. Every read is scoped by org. */
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { agents, simNodes, simulations } from '../platform/db/schema.ts';

export type SimulationRow = typeof simulations.$inferSelect;
export type SimNodeRow = typeof simNodes.$inferSelect;

/** Postgres unique_violation, however the driver (or drizzle) wraps it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}

/**
 * Creates the simulation unless the org has used up its simulations for this calendar month
 * (deleted ones count). Returns null when the plan's limit is reached.
 */
export async function insertSimulation(
  db: Db,
  sim: {
    id: string;
    orgId: string;
    name: string;
    template: string | null;
    hostAgentId: string;
    deployTarget: boolean;
  },
  monthlyLimit: number,
): Promise<SimulationRow | null> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO ${simulations} (id, org_id, name, template, host_agent_id, deploy_target)
    SELECT ${sim.id}, ${sim.orgId}, ${sim.name}, ${sim.template}, ${sim.hostAgentId}, ${sim.deployTarget}
     WHERE (SELECT count(*) FROM ${simulations} s
             WHERE s.org_id = ${sim.orgId} AND s.created_at >= date_trunc('month', now())) < ${monthlyLimit}
    RETURNING id`);
  if (result.rows.length === 0) return null;
  return (await getSimulation(db, sim.orgId, sim.id))!;
}

export async function simulationsThisMonth(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(simulations)
    .where(and(eq(simulations.orgId, orgId), sql`${simulations.createdAt} >= date_trunc('month', now())`));
  return rows[0]?.n ?? 0;
}

/** Removes a simulation that never got its nodes (the create is undone, nothing stays behind). */
export async function removeEmptySimulation(db: Db, id: string): Promise<void> {
  await db.execute(sql`
    DELETE FROM ${simulations} WHERE id = ${id}
       AND NOT EXISTS (SELECT 1 FROM ${simNodes} n WHERE n.simulation_id = ${id})`);
}

export async function getSimulation(db: Db, orgId: string, id: string): Promise<SimulationRow | null> {
  const rows = await db
    .select()
    .from(simulations)
    .where(and(eq(simulations.orgId, orgId), eq(simulations.id, id), isNull(simulations.deletedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listSimulations(db: Db, orgId: string, page: { limit: number; offset: number }) {
  const live = and(eq(simulations.orgId, orgId), isNull(simulations.deletedAt));
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(simulations)
      .where(live)
      .orderBy(desc(simulations.createdAt), simulations.id)
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(simulations).where(live),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function markSimulationDeleting(db: Db, id: string): Promise<void> {
  await db
    .update(simulations)
    .set({ deletingAt: sql`COALESCE(${simulations.deletingAt}, now())` })
    .where(eq(simulations.id, id));
}

/** A deleting simulation whose last node is gone is deleted (its row stays for the monthly count). */
export async function finishSimulationDelete(db: Db, id: string): Promise<boolean> {
  const result = await db.execute(sql`
    UPDATE ${simulations} SET deleted_at = now()
     WHERE id = ${id} AND deleting_at IS NOT NULL AND deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM ${simNodes} n WHERE n.simulation_id = ${id})
    RETURNING id`);
  return result.rows.length === 1;
}

export interface NewSimNode {
  id: string;
  name: string;
  type: string;
  os: string;
  status: string;
  position: number;
  cpu: number;
  memoryMb: number;
  diskGb: number;
  latencyMs: number | null;
  lossPercent: number | null;
  login: 'password' | 'keys';
  rootPassword: string | null;
}

/**
 * Inserts nodes with the next free SSH ports of their host, in order, in one statement: either all
 * get a port or none is written (returns null when too few ports are free). Two creates racing
 * for the same port collide on the (host, port) unique index and the loser tries again.
 */
export async function insertNodesWithPorts(
  db: Db,
  input: {
    orgId: string;
    simulationId: string;
    hostAgentId: string;
    portFirst: number;
    portCount: number;
    nodes: NewSimNode[];
  },
): Promise<SimNodeRow[] | null> {
  const wanted = input.nodes.map((n, i) => ({
    id: n.id,
    name: n.name,
    type: n.type,
    os: n.os,
    status: n.status,
    position: n.position,
    cpu: n.cpu,
    memory_mb: n.memoryMb,
    disk_gb: n.diskGb,
    latency_ms: n.latencyMs,
    loss_percent: n.lossPercent,
    login: n.login,
    root_password: n.rootPassword,
    rn: i + 1,
  }));
  const last = input.portFirst + input.portCount - 1;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.execute<{ id: string }>(sql`
        WITH free AS (
          SELECT p AS port, row_number() OVER (ORDER BY p) AS rn
            FROM generate_series(${input.portFirst}::int, ${last}::int) AS p
           WHERE NOT EXISTS (SELECT 1 FROM ${simNodes} n
                              WHERE n.host_agent_id = ${input.hostAgentId} AND n.ssh_port = p)
        ), wanted AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) AS v(
            id text, name text, type text, os text, status text, position int, cpu real,
            memory_mb int, disk_gb int, latency_ms int, loss_percent real, login text,
            root_password text, rn int)
        )
        INSERT INTO ${simNodes} (id, org_id, simulation_id, host_agent_id, name, type, os, status, position,
                                 ssh_port, cpu, memory_mb, disk_gb, latency_ms, loss_percent, login,
                                 root_password)
        SELECT w.id, ${input.orgId}, ${input.simulationId}, ${input.hostAgentId}, w.name, w.type, w.os, w.status,
               w.position, f.port, w.cpu, w.memory_mb, w.disk_gb, w.latency_ms, w.loss_percent, w.login,
               w.root_password
          FROM wanted w JOIN free f ON f.rn = w.rn
         WHERE (SELECT count(*) FROM free) >= ${wanted.length}
        RETURNING id`);
      if (result.rows.length === 0) return null;
      const ids = new Set(result.rows.map((r) => r.id));
      const rows = await listNodesOfSimulation(db, input.orgId, input.simulationId);
      return rows.filter((r) => ids.has(r.id));
    } catch (error) {
      // A port taken by a concurrent create since we looked: look again (the name index also
      // raises 23505; a real duplicate name fails the same way every time and is reported).
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}

export async function nodeNameTaken(db: Db, simulationId: string, name: string): Promise<boolean> {
  const rows = await db
    .select({ id: simNodes.id })
    .from(simNodes)
    .where(and(eq(simNodes.simulationId, simulationId), eq(simNodes.name, name)))
    .limit(1);
  return rows.length > 0;
}

export async function listNodesOfSimulation(
  db: Db,
  orgId: string,
  simulationId: string,
): Promise<SimNodeRow[]> {
  return db
    .select()
    .from(simNodes)
    .where(and(eq(simNodes.orgId, orgId), eq(simNodes.simulationId, simulationId)))
    .orderBy(asc(simNodes.position), simNodes.id);
}

export async function listNodesOfSimulations(db: Db, orgId: string, simulationIds: string[]) {
  if (simulationIds.length === 0) return [];
  return db
    .select()
    .from(simNodes)
    .where(and(eq(simNodes.orgId, orgId), sql`${simNodes.simulationId} IN ${simulationIds}`))
    .orderBy(asc(simNodes.position), simNodes.id);
}

export async function listNodes(db: Db, orgId: string, page: { limit: number; offset: number }) {
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(simNodes)
      .where(eq(simNodes.orgId, orgId))
      .orderBy(desc(simNodes.createdAt), asc(simNodes.position), simNodes.id)
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(simNodes).where(eq(simNodes.orgId, orgId)),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function getNode(db: Db, orgId: string, id: string): Promise<SimNodeRow | null> {
  const rows = await db
    .select()
    .from(simNodes)
    .where(and(eq(simNodes.orgId, orgId), eq(simNodes.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

/** Records the lifecycle job now running for a node and the status it shows meanwhile. */
export async function setNodePending(
  db: Db,
  id: string,
  pending: { jobId: string; action: string; status: string },
): Promise<void> {
  await db
    .update(simNodes)
    .set({
      pendingJobId: pending.jobId,
      pendingAction: pending.action,
      status: pending.status,
      error: null,
      updatedAt: new Date(),
    })
    .where(eq(simNodes.id, id));
}

/** Applies a finished job's outcome once: only while that job is still the node's pending one. */
export async function settleNode(
  db: Db,
  id: string,
  jobId: string,
  change: { status: string; ip?: string | null; error?: string | null },
): Promise<void> {
  await db
    .update(simNodes)
    .set({
      status: change.status,
      ...(change.ip !== undefined ? { ip: change.ip } : {}),
      error: change.error ?? null,
      pendingJobId: null,
      pendingAction: null,
      updatedAt: new Date(),
    })
    .where(and(eq(simNodes.id, id), eq(simNodes.pendingJobId, jobId)));
}

/** Undoes `setNodePending` when its job was not queued after all: the node is as it was. */
export async function restoreNode(db: Db, before: SimNodeRow, jobId: string): Promise<void> {
  await db
    .update(simNodes)
    .set({
      status: before.status,
      error: before.error,
      pendingJobId: before.pendingJobId,
      pendingAction: before.pendingAction,
      updatedAt: new Date(),
    })
    .where(and(eq(simNodes.id, before.id), eq(simNodes.pendingJobId, jobId)));
}

/** The host agent removed the node's container: its row goes, and with it its SSH port. */
export async function removeNode(db: Db, id: string, jobId: string): Promise<void> {
  await db.delete(simNodes).where(and(eq(simNodes.id, id), eq(simNodes.pendingJobId, jobId)));
}

/** Agents of the org that could host simulations: enrolled on a real machine, not inside a node. */
export async function hostCandidates(db: Db, orgId: string) {
  return db
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), isNull(agents.simulationId)))
    .orderBy(desc(agents.enrolledAt));
}

/** The simulated workers (agents inside the nodes) of a simulation. */
export async function simulatedWorkers(db: Db, orgId: string, simulationId: string) {
  return db
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.simulationId, simulationId)));
}

export async function removeSimulatedWorkers(db: Db, orgId: string, simulationId: string): Promise<void> {
  await db.delete(agents).where(and(eq(agents.orgId, orgId), eq(agents.simulationId, simulationId)));
}

/**
 * The node's root password, once: the first caller gets it and the row forgets it (null from then
 * on, with the time it was shown). Null when it was shown before or the node logs in by key only.
 */
export async function claimRootPassword(db: Db, orgId: string, id: string): Promise<string | null> {
  const result = await db.execute<{ root_password: string }>(sql`
    UPDATE ${simNodes} n SET root_password = NULL, password_shown_at = now()
      FROM (SELECT id, root_password FROM ${simNodes}
             WHERE id = ${id} AND org_id = ${orgId} AND root_password IS NOT NULL FOR UPDATE) o
     WHERE n.id = o.id
    RETURNING o.root_password`);
  return result.rows[0]?.root_password ?? null;
}
