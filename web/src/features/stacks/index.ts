import { action, query } from '@solidjs/router';
import * as server from './server.ts';

export const getStacks = query(() => server.fetchStacks(), 'stacks');
export const getStack = query((id: string) => server.fetchStack(id), 'stack');
export const getSpec = query((id: string) => server.fetchSpec(id), 'stack-spec');
export const getVersions = query((id: string) => server.fetchVersions(id), 'stack-versions');
export const getRuns = query((id: string) => server.fetchRuns(id), 'stack-runs');
export const getRun = query((id: string) => server.fetchRun(id), 'workflow');
export const getStackNodes = query((id: string) => server.fetchStackNodes(id), 'stack-nodes');
export const getWorkers = query(() => server.fetchWorkers(), 'stack-workers');
/** Not a query: every keystroke's text is new, caching it would only grow. */
export const validateSpec = (yaml: string) => server.checkSpec(yaml);

export const createStack = action(
  (yaml: string, images: string) => server.makeStack(yaml, images),
  'create-stack',
);
export const addSpecVersion = action(
  (id: string, yaml: string, options: unknown) => server.addVersion(id, yaml, options),
  'add-spec-version',
);
export const rollback = action((id: string, version: number) => server.rollbackTo(id, version), 'rollback');
export const bindNodes = action(
  (id: string, bindings: Record<string, string>) => server.saveBindings(id, bindings),
  'bind-nodes',
);
export const approveWorker = action((workerId: string) => server.approveWorker(workerId), 'approve-worker');
export const startRun = action(
  (id: string, kind: 'deploy' | 'plan' | 'destroy') => server.startRun(id, kind),
  'start-run',
);
export const decideRun = action(
  (id: string, decision: 'approve' | 'reject' | 'cancel') => server.decideRun(id, decision),
  'decide-run',
);
export const deleteStack = action((id: string) => server.removeStack(id), 'delete-stack');
