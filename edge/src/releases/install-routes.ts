/**
 * GET /install.sh — the agent installer one-liner's script:
 *
 *   curl -fsSL <edge>/install.sh | sh -s -- --token <enrollment token>
 *
 * Served with this edge's public origin (PUBLIC_EDGE_URL, else the URL it was fetched from) and
 * the public half of RELEASE_SIGNING_KEY baked in, so the script trusts only manifests this edge
 * signed. No credentials: the enrollment token is the secret, and it never reaches this route.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import template from './install.sh';
import { renderInstallScript } from './install-render.ts';
import { releaseSigner } from './signing-key.ts';

export const install = new Hono<AppEnv>();

install.get('/install.sh', async (c) => {
  const config = c.get('config');
  const signer = await releaseSigner(config.RELEASE_SIGNING_KEY);
  const edgeUrl = config.PUBLIC_EDGE_URL ?? new URL(c.req.url).origin;
  const script = renderInstallScript(template, { edgeUrl, publicKeyPem: signer.publicKeyPem });
  return c.body(script, 200, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-cache',
  });
});
