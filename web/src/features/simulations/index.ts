import { action, query } from '@solidjs/router';
import { applyTemplate, changeSimulation, fetchSimulations, fetchSsh, fetchTemplates } from './server.ts';

export const getTemplates = query(() => fetchTemplates(), 'sim-templates');
export const getSimulations = query(() => fetchSimulations(), 'simulations');
export const getSsh = query((nodeId: string) => fetchSsh(nodeId), 'sim-ssh');
export const createSimulation = action((form: FormData) => applyTemplate(form), 'create-simulation');
export const setSimulation = action(
  (id: string, what: 'start' | 'stop' | 'delete') => changeSimulation(id, what),
  'set-simulation',
);
