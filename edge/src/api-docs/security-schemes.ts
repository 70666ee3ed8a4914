/**
 * The credentials the edge accepts, as OpenAPI security schemes (accounts/api-auth.ts `gate`,
 * workers/agent-token.ts, tofu-state/state-auth.ts, billing's Stripe webhook).
 */
import type { AuthDoc, Credential } from '../platform/openapi/route-doc.ts';

export const securitySchemes = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'kfy_…',
    description: 'An API key of the org (`Authorization: Bearer kfy_…`); its role is the key’s.',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'The same API key in `X-API-Key`.',
  },
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token from the OpenID issuer (when `OIDC_ISSUER` is set): `iss`, `aud`, `exp`, `nbf` checked, `none` and HMAC refused.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-kfy_session',
    description:
      'The browser session from `/auth/signin` (`kfy_session` on plain-http localhost). Writes need a same-origin `Origin` header.',
  },
  agentToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The agent’s token from `AgentService/Enroll`, signed by the agent’s key.',
  },
  stateBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'OpenTofu’s HTTP backend auth: a state credential, or an operator API key as the password.',
  },
  stripeSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Stripe-Signature',
    description: 'Stripe’s signature over the event, checked with a 5-minute tolerance.',
  },
} as const;

/** Each credential is one alternative (OpenAPI: any one requirement object of the list suffices). */
export function securityOf(auth: AuthDoc | 'public'): Record<string, string[]>[] {
  if (auth === 'public') return [];
  return auth.credentials.flatMap((c: Credential): Record<string, string[]>[] =>
    c === 'apiKey' ? [{ apiKey: [] }, { apiKeyHeader: [] }] : [{ [c]: [] }],
  );
}
