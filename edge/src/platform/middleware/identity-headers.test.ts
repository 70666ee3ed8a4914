import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv, Principal } from '../env.ts';
import { setIdentityHeaders, stripIdentityHeaders } from './identity-headers.ts';

const principal: Principal = { kind: 'api_key', id: 'key_1', orgId: 'org_1', role: 'admin' };

function appWith(handler: (c: Context<AppEnv>) => Response | Promise<Response>) {
  const app = new Hono<AppEnv>();
  app.use(stripIdentityHeaders);
  app.use(async (c, next) => {
    setIdentityHeaders(c, principal);
    await next();
  });
  app.get('/', handler);
  return app;
}

const spoofed = {
  'x-user-id': 'usr_admin',
  'x-org-id': 'org_else',
  'x-user-email': 'a@b',
  'x-user-name': 'Eve',
};

describe('identity headers', () => {
  it("are the principal's wherever the handler reads them, never the client's", async () => {
    const app = appWith((c) =>
      c.json({
        viaHeader: c.req.header('x-user-id'),
        raw: Object.fromEntries(c.req.raw.headers),
        forwarded: Object.fromEntries(new Request(c.req.raw).headers),
      }),
    );
    const res = await app.request('/', { headers: { ...spoofed, 'x-other': 'kept' } });
    const body = (await res.json()) as Record<string, any>;
    expect(body.viaHeader).toBe('api_key:key_1');
    for (const seen of [body.raw, body.forwarded]) {
      expect(seen).toMatchObject({
        'x-user-id': 'api_key:key_1',
        'x-org-id': 'org_1',
        'x-user-roles': 'admin',
      });
      expect(seen['x-other']).toBe('kept');
      expect(seen['x-user-email']).toBeUndefined();
      expect(seen['x-user-name']).toBeUndefined();
    }
  });

  it('leave the body readable, and a request put in place by a handler stays', async () => {
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      setIdentityHeaders(c, principal);
      await next();
    });
    app.post('/', async (c) => {
      const sent = await c.req.json();
      c.req.raw = new Request('http://other/', { headers: { 'x-user-id': 'replaced' } });
      return c.json({ sent, after: c.req.header('x-user-id') });
    });
    const res = await app.request('/', { method: 'POST', body: JSON.stringify({ a: 1 }) });
    expect(await res.json()).toEqual({ sent: { a: 1 }, after: 'replaced' });
  });
});
