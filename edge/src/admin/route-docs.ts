/** The admin domain's routes (the admin center: flags, audit, users) for the OpenAPI document. */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { data, type RouteDocs, userCredentials } from '../platform/openapi/route-doc.ts';
import { applyFlagsBody, createFlagBody, patchFlagBody } from './flag-routes.ts';
import { endImpersonationBody, impersonateBody, setRoleBody } from './user-routes.ts';

// The users routes choose their gate per request (an impersonation session may end itself), so
// the router cannot tell their roles: they are said here.
const platformAdmin = { credentials: userCredentials, roles: ['platform-admin'] };

export const adminRouteDocs: RouteDocs = {
  'GET /api/v1/feature-flags': { summary: 'The feature flags', response: data(api.featureFlagList) },
  'POST /api/v1/feature-flags': {
    summary: 'A new feature flag (audited)',
    body: createFlagBody,
    status: 201,
    response: data(api.featureFlag),
    errors: ['CONFLICT'],
  },
  'GET /api/v1/feature-flags/:key': { summary: 'One feature flag', response: data(api.featureFlag) },
  'PATCH /api/v1/feature-flags/:key': {
    summary: 'Changes a flag: description, switch, rollout percentage, targeting (audited)',
    body: patchFlagBody,
    response: data(api.featureFlag),
  },
  'DELETE /api/v1/feature-flags/:key': {
    summary: 'Deletes a flag (audited)',
    response: data(z.object({ key: z.string(), deleted: z.literal(true) })),
  },
  'GET /api/v1/audit-log': {
    summary: 'The latest admin writes: actor, action, target, before/after, IP, time',
    response: data(api.auditList),
  },
  'GET /api/internal/feature-flags': {
    summary:
      'The flags for a user and org: user override, then org override, then the switch with a stable-hash rollout',
    queryText: { sub: 'the user’s subject at the issuer', org: 'the org id' },
  },
  'POST /api/internal/feature-flags/apply': {
    summary: 'Sets user overrides of flags',
    body: applyFlagsBody,
    response: data(z.object({ sub: z.string(), applied: z.array(z.string()) })),
  },
  'GET /api/v1/users': {
    summary: 'Users with their orgs, roles and plans, newest first',
    queryText: { q: 'email or name prefix, case-insensitive (at most 100 characters)' },
    paged: true,
    response: data(api.adminUserList),
    auth: platformAdmin,
  },
  'GET /api/v1/users/:id': { summary: 'One user', response: data(api.adminUser), auth: platformAdmin },
  'PATCH /api/v1/users/:id/roles': {
    summary: 'Sets a user’s role in an org; the last owner stays owner, never your own account (audited)',
    body: setRoleBody,
    response: data(api.adminUser),
    errors: ['CONFLICT'],
    auth: platformAdmin,
  },
  'POST /api/v1/users/:id/disable': {
    summary:
      'Disables a user: every session ends, sessions and Bearer JWTs are refused until enabled (audited)',
    response: data(api.adminUser),
    errors: ['CONFLICT'],
    auth: platformAdmin,
  },
  'POST /api/v1/users/:id/enable': {
    summary: 'Enables a disabled user (audited)',
    response: data(api.adminUser),
    errors: ['CONFLICT'],
    auth: platformAdmin,
  },
  'POST /api/v1/users/:id/impersonate': {
    summary: 'A read-mostly session as that user for IMPERSONATION_TTL_SECONDS (cookie set, and returned)',
    body: impersonateBody,
    bodyOptional: true,
    status: 201,
    response: data(api.impersonation),
    errors: ['CONFLICT'],
    auth: platformAdmin,
  },
  'POST /api/v1/users/impersonation/end': {
    summary: 'Ends an impersonation (a browser admin gets their own session back)',
    description: 'The impersonation session ends itself; a platform admin names one with `session_id`.',
    body: endImpersonationBody,
    bodyOptional: true,
    response: data(api.impersonationEnded),
    auth: {
      credentials: userCredentials,
      roles: null,
      note: 'The impersonation session itself, or a platform admin.',
    },
  },
  'POST /api/v1/users/:id/mfa/reset': {
    summary: 'Removes the user’s second factors at the identity provider (audited)',
    response: data(api.mfaReset),
    errors: ['SERVICE_UNAVAILABLE'],
    auth: platformAdmin,
  },
  'GET /api/internal/users/:sub': {
    summary: 'A user by subject: orgs, roles, plan and flags (`?org=` picks the org the flags are for)',
    queryText: { org: 'the org the flags are evaluated for' },
  },
};
