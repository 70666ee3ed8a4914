'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

/** Creating, starting and stopping wait for the nodes' SSH (the edge's SIM_WAIT_SECONDS, 90 s). */
const SLOW = 120_000;
const sim = (id: string) => `/api/v1/simulations/${encodeURIComponent(id)}`;

export async function fetchTemplates() {
  return edgeJson('/api/v1/templates', api.simTemplateList);
}

export async function fetchSimulations() {
  return edgeJson('/api/v1/simulations?per_page=100', api.simulationList);
}

export async function applyTemplate(form: FormData) {
  const template = String(form.get('template') ?? '');
  return edgeJson(`/api/v1/templates/${encodeURIComponent(template)}/apply`, api.simulation, {
    body: {
      simulation_name: String(form.get('name') ?? '').trim(),
      auto_start: form.get('auto_start') === 'on',
      deploy_target: form.get('deploy_target') === 'on',
    },
    bare: true,
    timeoutMs: SLOW,
  });
}

export async function changeSimulation(id: string, what: 'start' | 'stop' | 'delete') {
  return edgeJson(what === 'delete' ? sim(id) : `${sim(id)}/${what}`, api.simulation.partial(), {
    method: what === 'delete' ? 'DELETE' : 'POST',
    bare: true,
    timeoutMs: SLOW,
  });
}

export async function fetchSsh(nodeId: string) {
  return edgeJson(`/api/v1/nodes/${encodeURIComponent(nodeId)}/ssh`, api.sshDetails, { bare: true });
}

export type FaultKind = 'kill' | 'pause' | 'partition' | 'heal';

/** Injects a fault into a node (a partition: from every other node), or heals it. */
export async function changeFault(nodeId: string, kind: FaultKind) {
  const path = `/api/v1/nodes/${encodeURIComponent(nodeId)}/faults`;
  return edgeJson(path, api.simFaultResult, {
    method: kind === 'heal' ? 'DELETE' : 'POST',
    ...(kind === 'heal' ? {} : { body: { kind } }),
    bare: true,
    timeoutMs: 40_000,
  });
}

export async function fetchNodeEvents(nodeId: string) {
  return edgeJson(`/api/v1/nodes/${encodeURIComponent(nodeId)}/events`, api.simNodeEvents, { bare: true });
}
