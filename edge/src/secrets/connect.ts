/**
 * The public ConnectRPC service `kombify.orchestrator.v1.SecretService`. Each method calls the
 * function its REST route calls (service.ts): same validation, same roles, same audit rows. The
 * gate admits readers (members and up), as the REST GETs do; the write methods refuse the rest
 * in the service, as the REST writes' operator gates do. No answer carries a value.
 */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ConnectRouter } from '@connectrpc/connect';
import { SecretService } from '@kombify/proto/orchestrator/v1/secrets';
import { type Context, Hono } from 'hono';
import { gate } from '../accounts/index.ts';
import { serveConnect } from '../platform/connect.ts';
import type { AppEnv } from '../platform/env.ts';
import { secretContext } from './context.ts';
import * as secrets from './service.ts';
import type { SecretMeta } from './store.ts';

export const secretRpcPrefix = `/${SecretService.typeName}`;
export const secretRpc = new Hono<AppEnv>();
secretRpc.use(gate(secrets.secretReaders, 'orchestrator'));
// Like the REST writes' answers: metadata about secrets is not for shared caches.
secretRpc.use(async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
});

const meta = (m: SecretMeta) => ({
  path: m.path,
  version: m.version,
  updatedAt: timestampFromDate(new Date(m.updated_at)),
  updatedBy: m.updated_by,
});

function routes(c: Context<AppEnv>) {
  const ctx = () => secretContext(c);
  return (router: ConnectRouter) =>
    router.service(SecretService, {
      putSecret: async (req) => ({
        secret: meta((await secrets.setSecret(ctx(), req.path, { value: req.value })).meta),
      }),
      generateSecret: async (req) => {
        // Only the options the caller set, so an unset one takes the same default as over REST.
        const options = {
          ...(req.length !== undefined ? { length: req.length } : {}),
          ...(req.alphabet !== undefined ? { alphabet: req.alphabet } : {}),
        };
        return { secret: meta((await secrets.generateSecret(ctx(), req.path, options)).meta) };
      },
      getSecret: async (req) => ({ secret: meta(await secrets.getSecret(ctx(), req.path)) }),
      listSecrets: async () => ({ secrets: (await secrets.listSecretMeta(ctx())).map(meta) }),
      deleteSecret: async (req) => ({ secret: meta(await secrets.removeSecret(ctx(), req.path)) }),
    });
}

// The same cap as the REST PUT body: a value is at most 64 KiB, its message a little more.
secretRpc.post('/:method', (c) =>
  serveConnect(c.req.raw, routes(c), { readMaxBytes: secrets.MAX_SECRET_BYTES * 8 }),
);
