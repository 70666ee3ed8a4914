/** The API's views of simulations and nodes (CONTRACTS.md field names). */
import type { SimNodeRow, SimulationRow } from './store.ts';
import type { SimTemplate } from './templates.ts';

const size = (mb: number) => (mb % 1024 === 0 ? `${mb / 1024}Gi` : `${mb}Mi`);

export function nodeView(node: SimNodeRow) {
  return {
    id: node.id,
    simulation_id: node.simulationId,
    name: node.name,
    type: node.type,
    os: node.os,
    status: node.status,
    ssh_port: node.sshPort,
    ip: node.ip ?? '',
    resources: { cpu: node.cpu, memory: size(node.memoryMb), disk: `${node.diskGb}Gi` },
    network: { latency_ms: node.latencyMs ?? 0, loss_percent: node.lossPercent ?? 0 },
    error: node.error,
    created_at: node.createdAt.toISOString(),
  };
}

/** A simulation's status from its nodes: the least settled one wins. */
export function simulationStatus(sim: SimulationRow, nodes: SimNodeRow[]): string {
  if (sim.deletedAt) return 'deleted';
  if (sim.deletingAt) return 'deleting';
  const statuses = new Set(nodes.map((n) => n.status));
  for (const s of ['error', 'creating', 'deleting']) if (statuses.has(s)) return s;
  if (statuses.has('running') && statuses.has('stopped')) return 'partial';
  if (statuses.has('running')) return 'running';
  return 'stopped';
}

export function simulationView(sim: SimulationRow, nodes: SimNodeRow[]) {
  return {
    id: sim.id,
    name: sim.name,
    template: sim.template,
    status: simulationStatus(sim, nodes),
    worker_id: sim.hostAgentId,
    deploy_target: sim.deployTarget,
    created_at: sim.createdAt.toISOString(),
    nodes: nodes.map(nodeView),
  };
}

export function templateView(t: SimTemplate) {
  return {
    name: t.name,
    category: t.category,
    description: t.description,
    node_count: t.nodes.length,
    deploy_target: t.deployTarget,
    nodes: t.nodes.map((n, i) => ({ name: n.name, type: n.type, order: i + 1 })),
  };
}
