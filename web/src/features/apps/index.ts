import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import * as server from './server.ts';

export const getApps = edgeQuery((q: string, category: string) => server.fetchApps(q, category), 'apps');
export const getStackChoices = edgeQuery(() => server.fetchStackChoices(), 'app-stacks');
/** Not a query: each pasted file is new, caching it would only grow. */
export const importCompose = (compose: string, env: string) => server.importComposeText(compose, env);
export const addAppToStack = edgeAction(
  (stackId: string, app: string) => server.addAppTo(stackId, app),
  'add-app',
);
