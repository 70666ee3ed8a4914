import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import type { SecretChange } from './secret-request.ts';
import { fetchSecrets, fetchSecretUsage, sendSecretChange } from './server.ts';

export const getSecrets = edgeQuery(() => fetchSecrets(), 'secrets');
export const getSecretUsage = edgeQuery(() => fetchSecretUsage(), 'secret-usage');
/**
 * Not a form action on purpose: a form posted without JavaScript has its fields echoed back in
 * SolidStart's `flash` cookie, and a secret's value must not travel in a cookie.
 */
export const changeSecret = edgeAction((change: SecretChange) => sendSecretChange(change), 'change-secret');
