/**
 * Secrets over REST (`/v1/orchestrator/secrets`): thin handlers over service.ts, which the
 * Connect SecretService calls too. Operators (admins, owners) write; members read metadata. No
 * route ever answers with a value.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readCappedText, readJson } from '../platform/validate.ts';
import { secretContext } from './context.ts';
import {
  generateSecret,
  getSecret,
  listSecretMeta,
  MAX_SECRET_BYTES,
  removeSecret,
  type SecretWrite,
  secretReaders,
  setSecret,
} from './service.ts';

const pathParam = (c: Context<AppEnv>) => c.req.param('path') ?? '';

function written(c: Context<AppEnv>, { meta, created }: SecretWrite) {
  c.header('Cache-Control', 'no-store');
  return c.json({ data: meta }, created ? 201 : 200);
}

export const secretRoutes = new Hono<AppEnv>();

secretRoutes.get('/', gate(secretReaders, 'orchestrator'), async (c) =>
  c.json({ data: await listSecretMeta(secretContext(c)) }),
);

secretRoutes.get('/:path{.+}', gate(secretReaders, 'orchestrator'), async (c) =>
  c.json({ data: await getSecret(secretContext(c), pathParam(c)) }),
);

secretRoutes.put('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) => {
  // The body is read capped; the service checks it (and the path) like Connect's PutSecret.
  const body = await readJson(c, z.unknown(), MAX_SECRET_BYTES * 8);
  return written(c, await setSecret(secretContext(c), pathParam(c), body));
});

// `POST {path}/generate`: a random value, stored; the answer has the metadata, not the value.
secretRoutes.post('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) => {
  const raw = pathParam(c);
  if (!raw.endsWith('/generate')) throw new ApiError('NOT_FOUND', `no route for POST ${c.req.path}`);
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
  return written(c, await generateSecret(secretContext(c), raw.slice(0, -'/generate'.length), body));
});

secretRoutes.delete('/:path{.+}', gate(operatorRoles, 'orchestrator'), async (c) =>
  c.json({ data: await removeSecret(secretContext(c), pathParam(c)) }),
);
