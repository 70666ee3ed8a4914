/** The accounts domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export { anyRole, apiAuth, gate, operatorRoles, platformAdmin } from './api-auth.ts';
export { forgetKeysOf } from './api-key-routes.ts';
export { findApiKeyByHash, insertApiKey, touchApiKey } from './api-keys-store.ts';
export { cookieOptions, sessionCookieName } from './cookies.ts';
export { identityProviderAdmin } from './idp-admin.ts';
export { activityView, meView } from './me-view.ts';
export { memberRole, ownerCount, setMemberRole } from './members-store.ts';
export { SESSION_COOKIE, signSession } from './session-token.ts';
export { findLiveSession } from './users-store.ts';
