/**
 * A real OpenID Provider on loopback (the certified `oidc-provider` package), the issuer for local
 * development and tests, so the edge's token checks run against a real issuer. Production uses
 * Zitadel; nothing here runs there.
 */
import http from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
  /** Zitadel-style claims put into this client's access tokens: org id and project roles. */
  orgId?: string;
  roles?: string[];
}

export interface Issuer {
  url: string;
  port: number;
  /** The signing key (private JWK with kid), so tests can mint tokens the issuer would. */
  signingKey: JWK;
  audience: string;
  clientCredentialsToken(client: ServiceClient): Promise<string>;
  stop(): Promise<void>;
}

export async function makeSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k-${crypto.randomUUID().slice(0, 8)}`, alg: 'ES256', use: 'sig' };
}

export async function startIssuer(opts: {
  port: number;
  audience?: string;
  clients: ServiceClient[];
  signingKey?: JWK;
}): Promise<Issuer> {
  const url = `http://127.0.0.1:${opts.port}`;
  const audience = opts.audience ?? 'kombify-edge';
  const signingKey = opts.signingKey ?? (await makeSigningKey());
  const byId = new Map(opts.clients.map((c) => [c.clientId, c]));
  const provider = new Provider(url, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: 'ES256',
    })),
    jwks: { keys: [signingKey as never] },
    ttl: { ClientCredentials: 600, AccessToken: 600 },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:kombify:edge',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const client = byId.get((token as { clientId?: string }).clientId ?? '');
      if (!client) return undefined;
      return {
        ...(client.orgId ? { 'urn:zitadel:iam:org:id': client.orgId } : {}),
        'urn:zitadel:iam:org:project:roles': Object.fromEntries((client.roles ?? []).map((r) => [r, {}])),
      };
    },
  });
  provider.proxy = false;
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    url,
    port: opts.port,
    signingKey,
    audience,
    async clientCredentialsToken(client) {
      const res = await fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' }),
      });
      const body = (await res.json()) as {
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!body.access_token) throw new Error(`issuer refused: ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
