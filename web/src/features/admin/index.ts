import { action, query } from '@solidjs/router';
import { fetchAudit, fetchCatalog, fetchFlags, flipFlag, makeFlag } from './server.ts';

export const getCatalog = query((q: string) => fetchCatalog(q), 'admin-catalog');
export const getFlags = query(() => fetchFlags(), 'flags');
export const createFlag = action((form: FormData) => makeFlag(form), 'create-flag');
export const toggleFlag = action((key: string, enabled: boolean) => flipFlag(key, enabled), 'toggle-flag');
export const getAudit = query(() => fetchAudit(), 'audit-log');
