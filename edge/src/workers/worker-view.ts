import { versionSkew } from '../releases/index.ts';
import type { AgentRow } from './store.ts';

export function workerView(row: AgentRow, offlineAfter: number, now = Date.now(), minAgentVersion?: string) {
  const seen = row.lastSeenAt?.getTime() ?? 0;
  const online = row.connectedAt !== null && now - seen < offlineAfter;
  return {
    id: row.id,
    name: row.name,
    status: online ? ('online' as const) : ('offline' as const),
    last_seen: row.lastSeenAt?.toISOString() ?? null,
    enrolled_at: row.enrolledAt.toISOString(),
    agent_version: row.agentVersion,
    // Stacks deploy only to approved workers (POST /v1/orchestrator/workers/{id}/approve).
    approved: row.approvedAt !== null,
    approved_at: row.approvedAt?.toISOString() ?? null,
    // Version skew (AGENT_MIN_VERSION): `outdated` and a `version_warning` saying what to do.
    ...versionSkew(row.agentVersion, minAgentVersion),
    facts: row.facts,
    // The agent inside a KombiSim node: a worker of that simulated environment.
    simulated: row.simulationId !== null,
    simulation_id: row.simulationId,
  };
}
