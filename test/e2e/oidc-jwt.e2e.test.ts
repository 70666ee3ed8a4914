/**
 * Bearer JWTs from a real OpenID Provider (oidc-provider on loopback) against the real edge:
 * accepted when right, refused with AUTH_INVALID for every classic attack, and a rotated signing
 * key is picked up without restarting the edge.
 */
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Issuer, makeSigningKey, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let issuer: Issuer;
let port: number;
const admin = {
  clientId: 'ops-bot',
  clientSecret: 'ops-bot-secret-0123456789abcdef',
  orgId: '240001',
  roles: ['admin'],
};
const viewer = {
  clientId: 'viewer-bot',
  clientSecret: 'viewer-bot-secret-0123456789abc',
  orgId: '240001',
  roles: ['viewer'],
};

beforeAll(async () => {
  port = await freePort();
  issuer = await startIssuer({ port, clients: [admin, viewer] });
  stack = await startStack({
    vars: { OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: 'kombify-edge', OIDC_JWKS_COOLDOWN_SECONDS: '0' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

async function mint(
  claims: Record<string, unknown>,
  opts: { key?: JWK; alg?: string; secret?: Uint8Array } = {},
) {
  const key = opts.key ?? issuer.signingKey;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    'urn:zitadel:iam:org:id': '240001',
    'urn:zitadel:iam:org:project:roles': { admin: {} },
    ...claims,
  })
    .setProtectedHeader({ alg: opts.alg ?? 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer((claims.iss as string) ?? issuer.url)
    .setSubject('user-1')
    .setAudience((claims.aud as string) ?? 'kombify-edge')
    .setIssuedAt((claims.iat as number) ?? now)
    .setExpirationTime((claims.exp as number) ?? now + 300);
  if (claims.nbf) jwt.setNotBefore(claims.nbf as number);
  return jwt.sign(opts.secret ?? (await importJWK(key, 'ES256')));
}

async function workers(token: string) {
  return stack.api('/v1/orchestrator/workers', { token });
}

describe('Bearer JWTs from the issuer', () => {
  it('accepts an access token the issuer granted, in the org its claims name', async () => {
    const token = await issuer.clientCredentialsToken(admin);
    const res = await workers(token);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('keeps orgs apart: a token for another org sees none of this org’s workers', async () => {
    const enrolled = await stack.enrollAgent({ name: 'jwt-org-node' });
    expect(enrolled.code).toBe(0);
    const token = await issuer.clientCredentialsToken(admin);
    expect((await workers(token)).body.data).toEqual([]);
  });

  it('refuses a role that may not operate workers', async () => {
    const res = await workers(await issuer.clientCredentialsToken(viewer));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_INSUFFICIENT');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attacks: [string, () => Promise<string>][] = [
    ['expired', () => mint({ iat: now() - 900, exp: now() - 600 })],
    ['not yet valid', () => mint({ nbf: now() + 600 })],
    ['from another issuer', () => mint({ iss: 'https://evil.example' })],
    ['for another audience', () => mint({ aud: 'someone-else' })],
    ['signed with an unknown key', async () => mint({}, { key: await makeSigningKey() })],
    [
      'unsigned (alg none)',
      async () => {
        const [h, p] = (await mint({})).split('.');
        const header = Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(h!, 'base64url').toString()), alg: 'none' }),
        ).toString('base64url');
        return `${header}.${p}.`;
      },
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const { d: _d, ...publicJwk } = issuer.signingKey;
        return mint({}, { alg: 'HS256', secret: new TextEncoder().encode(JSON.stringify(publicJwk)) });
      },
    ],
    [
      'with a tampered payload',
      async () => {
        const [h, p, s] = (await mint({})).split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        claims['urn:zitadel:iam:org:project:roles'] = { 'platform-admin': {} };
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      },
    ],
  ];
  for (const [name, make] of attacks) {
    it(`refuses a token ${name} with AUTH_INVALID`, async () => {
      const res = await workers(await make());
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_INVALID');
    });
  }

  it('picks up a rotated signing key without restarting the edge', async () => {
    const before = await issuer.clientCredentialsToken(admin);
    expect((await workers(before)).status).toBe(200);
    await issuer.stop();
    issuer = await startIssuer({ port, clients: [admin, viewer], signingKey: await makeSigningKey() });
    const after = await issuer.clientCredentialsToken(admin);
    expect((await workers(after)).status).toBe(200);
  });
});
