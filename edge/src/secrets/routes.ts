/**
 * Secrets over REST (`/v1/orchestrator/secrets`). Operators (admins, owners) write; members read
 * metadata. No route ever answers with a value: values are only readable by the agent a
 * stack.converge job is leased to, at deploy time (AgentService.FetchJobSecrets). Every change
 * goes to the audit log with the path and version, never the value.
 */
import { secretPath } from '@kombify/proto/jobs';
import { rolesFrom } from '@kombify/proto/roles';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { checkBody, readCappedText, readJson } from '../platform/validate.ts';
import { deleteSecret, getSecretMeta, listSecrets, putSecret } from './store.ts';

/** The largest value stored (UTF-8 bytes). */
export const MAX_SECRET_BYTES = 64 * 1024;

const putBody = z
  .object({
    value: z
      .string()
      .min(1, 'must not be empty')
      .refine(
        (v) => new TextEncoder().encode(v).length <= MAX_SECRET_BYTES,
        `must be at most ${MAX_SECRET_BYTES} bytes`,
      ),
  })
  .strict();

const DEFAULT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const generateBody = z
  .object({
    length: z.number().int().min(8).max(1024).default(32),
    alphabet: z.string().min(2).max(256).default(DEFAULT_ALPHABET),
  })
  .strict();

/** A uniformly random string from `alphabet` (rejection sampling, so no modulo bias). */
function randomString(length: number, alphabet: string): string {
  const chars = [...new Set(alphabet)];
  const limit = 256 - (256 % chars.length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += chars[b % chars.length];
    }
  }
  return out;
}

function pathOf(c: Context<AppEnv>): string {
  return checkBody(z.object({ path: secretPath }), { path: c.req.param('path') ?? '' }).path;
}

const actor = (c: Context<AppEnv>) => {
  const p = c.get('principal');
  return `${p.kind}:${p.id}`;
};

function auditChange(c: Context<AppEnv>, action: string, path: string, before: unknown, after: unknown) {
  return audit(c.get('db')(), {
    ...auditContext(c),
    action,
    target: `secret:${c.get('principal').orgId}/${path}`,
    before,
    after,
  });
}

async function store(c: Context<AppEnv>, path: string, value: string, action: string) {
  const p = c.get('principal');
  const before = await getSecretMeta(c.get('db')(), p.orgId, path);
  const { meta, created } = await putSecret(c.get('db')(), c.get('config'), p.orgId, path, value, actor(c));
  await auditChange(c, action, path, before && { version: before.version }, { version: meta.version });
  c.header('Cache-Control', 'no-store');
  return c.json({ data: meta }, created ? 201 : 200);
}

const readers = rolesFrom('member');

export const secretRoutes = new Hono<AppEnv>();

secretRoutes.get('/', gate(readers, 'orchestrator'), async (c) =>
  c.json({ data: await listSecrets(c.get('db')(), c.get('principal').orgId) }),
);

secretRoutes.get('/:path{.+}', gate(readers, 'orchestrator'), async (c) => {
  const path = pathOf(c);
  const meta = await getSecretMeta(c.get('db')(), c.get('principal').orgId, path);
  if (!meta) throw new ApiError('NOT_FOUND', `no secret ${path}`);
  return c.json({ data: meta });
});

secretRoutes.put('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) => {
  const path = pathOf(c);
  const { value } = await readJson(c, putBody, MAX_SECRET_BYTES * 8);
  return store(c, path, value, 'secret.put');
});

// `POST {path}/generate`: a random value, stored; the answer has the metadata, not the value.
secretRoutes.post('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) => {
  const raw = c.req.param('path') ?? '';
  if (!raw.endsWith('/generate')) throw new ApiError('NOT_FOUND', `no route for POST ${c.req.path}`);
  const path = checkBody(z.object({ path: secretPath }), { path: raw.slice(0, -'/generate'.length) }).path;
  // The body is optional (defaults); when given it is capped and must be JSON like every other.
  const text = await readCappedText(c, 4096, 'the request body');
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('VALIDATION_FAILED', 'request body must be JSON like {"length": 32}');
    }
  }
  const opts = checkBody(generateBody, body);
  return store(c, path, randomString(opts.length, opts.alphabet), 'secret.generate');
});

secretRoutes.delete('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) => {
  const path = pathOf(c);
  const gone = await deleteSecret(c.get('db')(), c.get('principal').orgId, path);
  if (!gone) throw new ApiError('NOT_FOUND', `no secret ${path}`);
  await auditChange(c, 'secret.delete', path, { version: gone.version }, null);
  return c.json({ data: gone });
});
