/** The accounts domain's routes for the OpenAPI document (api-docs). */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { data, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { createKeyBody } from './api-key-routes.ts';
import { preferencesBody, profileBody } from './me-routes.ts';
import { invitationBody, memberRoleBody } from './org-routes.ts';
import { ssoExchangeBody } from './sso-routes.ts';

const redirect = { contentType: 'text/plain', description: 'a 302 redirect' };

export const accountsRouteDocs: RouteDocs = {
  'GET /auth/signin': {
    summary: 'Starts sign-in at the OpenID issuer (authorization code + PKCE, state, nonce)',
    queryText: { return_to: 'a path on this site to come back to' },
    status: 302,
    response: redirect,
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /auth/callback/:provider': {
    summary: 'Finishes sign-in: verifies the id_token and sets the session cookie',
    description:
      'Creates the user (and a personal org on first sign-in). The cookie is `__Host-kfy_session` (HttpOnly, SameSite=Lax, Secure) over TLS, `kfy_session` on plain-http localhost; the id_token is not kept.',
    queryText: { code: 'from the issuer', state: 'from the issuer' },
    status: 302,
    response: redirect,
    errors: ['AUTH_INVALID', 'SERVICE_UNAVAILABLE'],
  },
  'POST /auth/signout': {
    summary: 'Ends the browser session and answers with the issuer’s logout URL',
    description: 'Same-origin `Origin` only; revokes the session cookie it is sent with.',
    auth: {
      credentials: ['session'],
      roles: null,
      note: 'Without a session it still answers (nothing to end).',
    },
    errors: ['AUTH_INSUFFICIENT'],
  },
  'POST /api/internal/sso/exchange': {
    summary: 'Trades an access token from the issuer for a session cookie (the SSO flow)',
    description: 'The token in the body is the credential.',
    body: ssoExchangeBody,
    errors: ['AUTH_INVALID', 'SERVICE_UNAVAILABLE'],
  },
  'GET /api/me': {
    summary: 'Who you are (and who impersonates you, while a platform admin does)',
    response: data(api.me),
  },
  'GET /api/me/activity': {
    summary: 'Your recent activity: sign-ins, key changes, role changes',
    response: data(api.meActivity),
  },
  'PATCH /api/me': {
    summary: 'Your profile',
    body: profileBody,
    response: data(api.profile),
    errors: ['AUTH_INSUFFICIENT'],
  },
  'GET /api/me/preferences': {
    summary: 'Your UI preferences (free-form JSON)',
    response: data(api.preferences),
  },
  'PUT /api/me/preferences': {
    summary: 'Replaces your UI preferences (at most 8 KB of JSON)',
    body: preferencesBody,
    response: data(api.preferences),
  },
  'POST /api/keys': {
    summary: 'A new API key, shown this once',
    description:
      'It acts for its maker and stops when the maker is disabled or leaves the org, unless it is a service key (owners only).',
    body: createKeyBody,
    status: 201,
    response: data(api.apiKeyCreated),
  },
  'GET /api/keys': { summary: 'The org’s keys by prefix (never the key)', response: data(api.apiKeyList) },
  'DELETE /api/keys/:id': {
    summary: 'Revokes a key: refused from the next request on',
    response: data(api.keyRevoked),
  },
  'GET /api/org/members': {
    summary: 'The members of your org with their roles',
    response: data(api.memberList),
  },
  'POST /api/org/invitations': {
    summary:
      'Invites an email address: the person joins on their next sign-in with that (issuer-verified) email',
    body: invitationBody,
    status: 201,
    response: data(api.invitation),
  },
  'PATCH /api/org/members/:userId': {
    summary: 'Changes a member’s role (never above your own; the last owner stays owner)',
    body: memberRoleBody,
    response: data(api.roleChange),
    errors: ['CONFLICT'],
  },
  'DELETE /api/org/members/me': {
    summary: 'Leaves the org (not as its last owner)',
    response: data(z.object({ left: z.string() })),
    errors: ['CONFLICT'],
  },
  'DELETE /api/org/members/:userId': {
    summary: 'Removes a member: their sessions in the org end, and the keys they made for it stop',
    response: data(z.object({ user_id: z.string(), removed: z.literal(true) })),
    errors: ['CONFLICT'],
  },
  'GET /_bench/chain': { summary: 'Benchmark probe', hidden: 'a benchmark probe, 404 unless BENCH_ROUTES=1' },
  'DELETE /_bench/revoke/:id': {
    summary: 'Benchmark probe',
    hidden: 'a benchmark probe, 404 unless BENCH_ROUTES=1',
  },
};
