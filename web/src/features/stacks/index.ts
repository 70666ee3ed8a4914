import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import * as server from './server.ts';

export const getStacks = edgeQuery(() => server.fetchStacks(), 'stacks');
export const getStack = edgeQuery((id: string) => server.fetchStack(id), 'stack');
export const getSpec = edgeQuery((id: string) => server.fetchSpec(id), 'stack-spec');
export const getVersions = edgeQuery((id: string) => server.fetchVersions(id), 'stack-versions');
export const getRuns = edgeQuery((id: string) => server.fetchRuns(id), 'stack-runs');
export const getRun = edgeQuery((id: string) => server.fetchRun(id), 'workflow');
export const getStackNodes = edgeQuery((id: string) => server.fetchStackNodes(id), 'stack-nodes');
export const getWorkers = edgeQuery(() => server.fetchWorkers(), 'stack-workers');
export const getSwarm = edgeQuery((id: string) => server.fetchSwarm(id), 'stack-swarm');
/** Not a query: asked on a click, and the simulation's workers change under it. */
export const proposeBindings = (id: string, simulation: string) =>
  server.fetchBindingProposal(id, simulation);
/** Not a query: every keystroke's text is new, caching it would only grow. */
export const validateSpec = (yaml: string) => server.checkSpec(yaml);

export const createStack = edgeAction(
  (yaml: string, images: string) => server.makeStack(yaml, images),
  'create-stack',
);
export const addSpecVersion = edgeAction(
  (id: string, yaml: string, options: unknown) => server.addVersion(id, yaml, options),
  'add-spec-version',
);
export const rollback = edgeAction(
  (id: string, version: number) => server.rollbackTo(id, version),
  'rollback',
);
export const bindNodes = edgeAction(
  (id: string, bindings: Record<string, string>) => server.saveBindings(id, bindings),
  'bind-nodes',
);
export const approveWorker = edgeAction(
  (workerId: string) => server.approveWorker(workerId),
  'approve-worker',
);
export const startRun = edgeAction(
  (id: string, kind: 'deploy' | 'plan' | 'destroy') => server.startRun(id, kind),
  'start-run',
);
export const decideRun = edgeAction(
  (id: string, decision: 'approve' | 'reject' | 'cancel') => server.decideRun(id, decision),
  'decide-run',
);
export const deleteStack = edgeAction((id: string) => server.removeStack(id), 'delete-stack');
