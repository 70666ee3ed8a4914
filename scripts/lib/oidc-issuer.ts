/**
 * A real OpenID Provider on loopback (the certified `oidc-provider` package), the issuer for local
 * development and tests, so the edge's token checks run against a real issuer. Production uses
 * Zitadel; nothing here runs there.
 */
import http from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
  /** Zitadel-style claims put into this client's access tokens: org id and project roles. */
  orgId?: string;
  roles?: string[];
}

/** A person who can sign in at the local issuer (email + password on its login page). */
export interface IssuerUser {
  sub: string;
  email: string;
  name: string;
  password: string;
  /**
   * The `email_verified` claim (default true). An issuer that lets people change their address
   * without proving it sends false; the object may be changed while the issuer runs.
   */
  emailVerified?: boolean;
  orgId?: string;
  roles?: string[];
}

/** A web app signing people in with the authorization code flow. */
export interface WebClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
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
  webClients?: WebClient[];
  users?: IssuerUser[];
  signingKey?: JWK;
}): Promise<Issuer> {
  const url = `http://127.0.0.1:${opts.port}`;
  const audience = opts.audience ?? 'kombify-edge';
  const signingKey = opts.signingKey ?? (await makeSigningKey());
  const byId = new Map(opts.clients.map((c) => [c.clientId, c]));
  const users = new Map((opts.users ?? []).map((u) => [u.sub, u]));
  const zitadelClaims = (orgId: string | undefined, roles: string[] | undefined) => ({
    ...(orgId ? { 'urn:zitadel:iam:org:id': orgId } : {}),
    'urn:zitadel:iam:org:project:roles': Object.fromEntries((roles ?? []).map((r) => [r, {}])),
  });
  const provider = new Provider(url, {
    clients: [
      ...opts.clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        id_token_signed_response_alg: 'ES256',
      })),
      ...(opts.webClients ?? []).map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: c.redirectUris,
        post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
        id_token_signed_response_alg: 'ES256',
      })),
    ] as ClientMetadata[],
    findAccount: (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          name: user.name,
          ...zitadelClaims(user.orgId, user.roles),
        }),
      };
    },
    claims: {
      openid: ['sub', 'urn:zitadel:iam:org:id', 'urn:zitadel:iam:org:project:roles'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
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
      const account = users.get((token as { accountId?: string }).accountId ?? '');
      if (account) return zitadelClaims(account.orgId, account.roles);
      const client = byId.get((token as { clientId?: string }).clientId ?? '');
      return client ? zitadelClaims(client.orgId, client.roles) : undefined;
    },
  });
  provider.proxy = false;
  const server = http.createServer((req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) return provider.callback()(req, res);
    handleInteraction(provider, users, req, res, Boolean(match[2])).catch((error) => {
      res.statusCode = 500;
      res.end(`login failed: ${(error as Error).message}`);
    });
  });
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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function loginPage(uid: string, message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in — kombify local issuer</title></head>
<body style="font-family:system-ui;max-width:22rem;margin:4rem auto">
<h1>Sign in</h1><p>Local development issuer for kombify.</p>
${message ? `<p role="alert" style="color:#b91c1c">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email <input name="email" type="email" autocomplete="username" required></label><br><br>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label><br><br>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * The issuer's own login and consent steps: a password form for the configured users, and
 * consent granted at once (kombify is a first-party client).
 */
async function handleInteraction(
  provider: Provider,
  users: Map<string, IssuerUser>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  isLogin: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const accountId = details.session?.accountId ?? '';
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new Error('grant not found');
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (!isLogin || req.method !== 'POST') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(loginPage(details.uid, ''));
    return;
  }
  const form = await readForm(req);
  const user = [...users.values()].find(
    (u) => u.email === form.get('email') && u.password === form.get('password'),
  );
  if (!user) {
    res.statusCode = 401;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(loginPage(details.uid, 'Wrong email or password.'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.sub } },
    { mergeWithLastSubmission: false },
  );
}
