/** Queries for agents ("workers") and their enrollment tokens. Every read is scoped by org. */
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { agents, enrollmentTokens, type NodeFactsRecord } from '../platform/db/schema.ts';
import { recordSamples } from './samples-store.ts';

export type AgentRow = typeof agents.$inferSelect;

export async function listAgents(db: Db, orgId: string, page: { limit: number; offset: number }) {
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(agents)
      .where(eq(agents.orgId, orgId))
      .orderBy(desc(agents.enrolledAt), agents.id)
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(agents).where(eq(agents.orgId, orgId)),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function getAgent(db: Db, orgId: string, id: string): Promise<AgentRow | null> {
  const rows = await db
    .select()
    .from(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

/** The identity an agent's Durable Object needs to check the agent's tokens. Not org-scoped: keyed by agent id. */
export async function getAgentIdentity(db: Db, id: string) {
  const rows = await db
    .select({ id: agents.id, orgId: agents.orgId, publicKeyJwk: agents.publicKeyJwk })
    .from(agents)
    .where(eq(agents.id, id))
    .limit(1);
  return rows[0] ?? null;
}

/** One agent's heartbeat: facts replace the stored ones only when the agent sent some. */
export interface HeartbeatWrite {
  id: string;
  facts: NodeFactsRecord | null;
  agentVersion: string;
}

/** Records that the agent was heard from; facts are replaced only when the agent sent some. */
export async function recordHeartbeat(
  db: Db,
  id: string,
  facts: NodeFactsRecord | null,
  agentVersion: string,
): Promise<void> {
  await recordHeartbeats(db, [{ id, facts, agentVersion }]);
}

/**
 * Records many agents' heartbeats in two round trips (one UPDATE for all agents, one INSERT for
 * the dashboard's samples), instead of two per agent. An agent that beat more than once in the
 * batch keeps its latest facts; every beat that carried usage figures becomes a sample.
 */
export async function recordHeartbeats(db: Db, beats: readonly HeartbeatWrite[]): Promise<void> {
  if (beats.length === 0) return;
  const latest = new Map<string, HeartbeatWrite>();
  for (const beat of beats) {
    const before = latest.get(beat.id);
    latest.set(beat.id, beat.facts || !before ? beat : before);
  }
  const rows = [...latest.values()].map(
    (b) => sql`(${b.id}::text, ${b.facts ? JSON.stringify(b.facts) : null}::jsonb, ${b.agentVersion}::text)`,
  );
  await db.execute(sql`
    UPDATE ${agents} AS a
       SET last_seen_at = now(),
           facts = COALESCE(b.facts, a.facts),
           agent_version = CASE WHEN b.facts IS NULL THEN a.agent_version ELSE b.agent_version END
      FROM (VALUES ${sql.join(rows, sql`, `)}) AS b(id, facts, agent_version)
     WHERE a.id = b.id`);
  await recordSamples(
    db,
    beats.flatMap((b) => (b.facts ? [{ agentId: b.id, facts: b.facts }] : [])),
  );
}

export async function setConnected(db: Db, id: string, connected: boolean): Promise<void> {
  await setConnectedMany(db, [id], connected);
}

/** Marks agents as holding (or no longer holding) their job stream, in one statement. */
export async function setConnectedMany(db: Db, ids: readonly string[], connected: boolean): Promise<void> {
  if (ids.length === 0) return;
  const now = new Date();
  await db
    .update(agents)
    .set(connected ? { connectedAt: now, lastSeenAt: now } : { connectedAt: null })
    .where(inArray(agents.id, [...ids]));
}

/** Approves a worker for stacks; approving again keeps the first approval. Null when not this org's. */
export async function approveAgent(db: Db, orgId: string, id: string, by: string): Promise<AgentRow | null> {
  await db
    .update(agents)
    .set({
      approvedAt: sql`COALESCE(${agents.approvedAt}, now())`,
      approvedBy: sql`COALESCE(${agents.approvedBy}, ${by})`,
    })
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)));
  return getAgent(db, orgId, id);
}

export async function createEnrollmentToken(
  db: Db,
  token: {
    id: string;
    orgId: string;
    hash: string;
    description: string | null;
    expiresAt: Date;
    /** For the agent inside a KombiSim node: it enrolls as a simulated worker of this simulation. */
    simulationId?: string | null;
  },
): Promise<void> {
  await db.insert(enrollmentTokens).values(token);
}

/** One enrollment token of the org (never its hash): whether and by which agent it was used. */
export async function getEnrollmentToken(db: Db, orgId: string, id: string) {
  const rows = await db
    .select({
      id: enrollmentTokens.id,
      expiresAt: enrollmentTokens.expiresAt,
      usedAt: enrollmentTokens.usedAt,
      usedByAgentId: enrollmentTokens.usedByAgentId,
    })
    .from(enrollmentTokens)
    .where(and(eq(enrollmentTokens.orgId, orgId), eq(enrollmentTokens.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findEnrollmentToken(db: Db, hash: string) {
  const rows = await db.select().from(enrollmentTokens).where(eq(enrollmentTokens.hash, hash)).limit(1);
  return rows[0] ?? null;
}

/**
 * Claims the enrollment token and creates the agent in one statement, so two agents racing with the
 * same token cannot both enroll (and no half-enrolled agent is left if it fails). Returns null when
 * the token was no longer usable at that moment.
 */
export async function enrollAgent(
  db: Db,
  input: {
    tokenId: string;
    agentId: string;
    name: string;
    publicKeyJwk: JsonWebKey;
    facts: NodeFactsRecord;
    agentVersion: string;
    /**
     * The org's node limit: the token is claimed only while the org has fewer agents. Simulated
     * workers (KombiSim nodes) neither count nor are limited.
     */
    maxAgents?: number;
  },
): Promise<{ id: string; orgId: string } | null> {
  const result = await db.execute<{ id: string; org_id: string }>(sql`
    WITH claimed AS (
      UPDATE ${enrollmentTokens}
         SET used_at = now(), used_by_agent_id = ${input.agentId}
       WHERE id = ${input.tokenId} AND used_at IS NULL AND expires_at > now()
         AND (simulation_id IS NOT NULL
              OR (SELECT count(*) FROM ${agents} a
                   WHERE a.org_id = ${enrollmentTokens}.org_id AND a.simulation_id IS NULL) < ${input.maxAgents ?? 2_147_483_647})
       RETURNING org_id, simulation_id
    )
    INSERT INTO ${agents} (id, org_id, name, public_key_jwk, facts, agent_version, last_seen_at, simulation_id,
                           approved_at, approved_by)
    SELECT ${input.agentId}, org_id, ${input.name}, ${JSON.stringify(input.publicKeyJwk)}::jsonb,
           ${JSON.stringify(input.facts)}::jsonb, ${input.agentVersion}, now(), simulation_id,
           -- A simulated worker was made by the org's own simulation: approved for stacks at once.
           CASE WHEN simulation_id IS NOT NULL THEN now() END,
           CASE WHEN simulation_id IS NOT NULL THEN 'simulation:' || simulation_id END
      FROM claimed
    RETURNING id, org_id`);
  const row = result.rows[0];
  return row ? { id: row.id, orgId: row.org_id } : null;
}

/** Deletes a worker of the org (its samples and stack bindings go with it); false when unknown. */
export async function deleteAgent(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(agents)
    .where(and(eq(agents.orgId, orgId), eq(agents.id, id)))
    .returning({ id: agents.id });
  return rows.length === 1;
}
