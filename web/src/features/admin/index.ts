import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import { fetchAudit, fetchCatalog, fetchFlags, flipFlag, makeFlag } from './server.ts';

export const getCatalog = edgeQuery((q: string) => fetchCatalog(q), 'admin-catalog');
export const getFlags = edgeQuery(() => fetchFlags(), 'flags');
export const createFlag = edgeAction((form: FormData) => makeFlag(form), 'create-flag');
export const toggleFlag = edgeAction(
  (key: string, enabled: boolean) => flipFlag(key, enabled),
  'toggle-flag',
);
export const getAudit = edgeQuery(() => fetchAudit(), 'audit-log');
