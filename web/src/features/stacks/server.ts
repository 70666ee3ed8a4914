'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

const stack = (id: string) => `/v1/orchestrator/stacks/${encodeURIComponent(id)}`;
const run = (id: string) => `/v1/orchestrator/workflows/${encodeURIComponent(id)}`;

/** The org's stacks, each with its details (drift), newest first. */
export async function fetchStacks() {
  const list = await edgeJson('/v1/orchestrator/stacks?per_page=100', api.stackList);
  if (!list.ok) return list;
  const details = await Promise.all(list.data.map((s) => edgeJson(stack(s.id), api.stackDetails)));
  return {
    ok: true as const,
    data: list.data.map((s, i) => {
      const d = details[i];
      return { ...s, details: d?.ok ? d.data : null };
    }),
  };
}

export async function fetchStack(id: string) {
  return edgeJson(stack(id), api.stackDetails);
}

export async function fetchSpec(id: string) {
  return edgeJson(`${stack(id)}/spec`, api.stackSpec);
}

export async function fetchVersions(id: string) {
  return edgeJson(`${stack(id)}/versions`, api.specVersionList);
}

export async function fetchRuns(id: string) {
  return edgeJson(`${stack(id)}/workflows?per_page=20`, api.workflowSummaryList);
}

/** The swarm as a manager sees it (runs a swarm.status job; a short wait keeps the page quick). */
export async function fetchSwarm(id: string) {
  return edgeJson(`${stack(id)}/swarm?wait_seconds=10`, api.stackSwarm);
}

/** Which node of the simulation each spec node would run on; nothing is saved. */
export async function fetchBindingProposal(id: string, simulation: string) {
  return edgeJson(
    `${stack(id)}/bindings/proposal?simulation=${encodeURIComponent(simulation)}`,
    api.bindingProposal,
  );
}

export async function fetchRun(id: string) {
  return edgeJson(run(id), api.workflow);
}

/** This stack's nodes with their bound worker and its status. */
export async function fetchStackNodes(id: string) {
  const all = await edgeJson('/v1/orchestrator/nodes', api.stackNodeList);
  return all.ok ? { ok: true as const, data: all.data.filter((n) => n.stack_id === id) } : all;
}

export async function fetchWorkers() {
  return edgeJson('/v1/orchestrator/workers?per_page=100', api.workerList);
}

/** Live validation of the editor's text: YAML problems come back with line and column. */
export async function checkSpec(yaml: string) {
  return edgeJson('/v1/stackkits/validate', api.specValid, {
    text: { type: 'application/yaml', body: yaml },
  });
}

/** `service=image` lines → the `options.images` map. */
function imageOverrides(text: string): Record<string, string> | undefined {
  const pairs = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split('=').map((p) => p.trim()) as [string, string?]);
  const images = Object.fromEntries(pairs.filter(([k, v]) => k && v));
  return Object.keys(images).length > 0 ? images : undefined;
}

export async function makeStack(yaml: string, images: string) {
  const overrides = imageOverrides(images);
  return edgeJson('/v1/orchestrator/stacks', api.stackDetails, {
    body: { yaml, ...(overrides ? { options: { images: overrides } } : {}) },
  });
}

/** A new spec version; it keeps the current version's options (image overrides, mirror). */
export async function addVersion(id: string, yaml: string, options: unknown) {
  return edgeJson(`${stack(id)}/spec`, api.specVersion, {
    body: { yaml, ...(options && typeof options === 'object' ? { options } : {}) },
  });
}

export async function rollbackTo(id: string, version: number) {
  return edgeJson(`${stack(id)}/rollback`, api.specVersion, { body: { version } });
}

export async function saveBindings(id: string, bindings: Record<string, string>) {
  const body = Object.fromEntries(
    Object.entries(bindings)
      .filter(([, worker]) => worker)
      .map(([node, worker]) => [node, { worker_id: worker }]),
  );
  return edgeJson(`${stack(id)}/bindings`, api.acknowledged, { method: 'PUT', body: { bindings: body } });
}

export async function approveWorker(workerId: string) {
  return edgeJson(`/v1/orchestrator/workers/${encodeURIComponent(workerId)}/approve`, api.worker, {
    body: {},
  });
}

export async function startRun(id: string, kind: 'deploy' | 'plan' | 'destroy') {
  return edgeJson(`${stack(id)}/${kind}`, api.workflowSummary, { body: {} });
}

export async function decideRun(id: string, decision: 'approve' | 'reject' | 'cancel') {
  return edgeJson(`${run(id)}/${decision}`, api.acknowledged, { body: {} });
}

export async function removeStack(id: string) {
  return edgeJson(stack(id), api.acknowledged, { method: 'DELETE' });
}
