import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import {
  applyTemplate,
  changeFault,
  changeSimulation,
  type FaultKind,
  fetchNodeEvents,
  fetchSimulations,
  fetchSsh,
  fetchTemplates,
} from './server.ts';

export const getTemplates = edgeQuery(() => fetchTemplates(), 'sim-templates');
export const getSimulations = edgeQuery(() => fetchSimulations(), 'simulations');
export const getSsh = edgeQuery((nodeId: string) => fetchSsh(nodeId), 'sim-ssh');
export const createSimulation = edgeAction((form: FormData) => applyTemplate(form), 'create-simulation');
export const setSimulation = edgeAction(
  (id: string, what: 'start' | 'stop' | 'delete') => changeSimulation(id, what),
  'set-simulation',
);
export const getNodeEvents = edgeQuery((nodeId: string) => fetchNodeEvents(nodeId), 'sim-node-events');
export const setFault = edgeAction(
  (nodeId: string, kind: FaultKind) => changeFault(nodeId, kind),
  'set-fault',
);
export type { FaultKind };
