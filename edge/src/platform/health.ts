import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import type { AppEnv } from './env.ts';

type CheckStatus = 'healthy' | 'unhealthy';
interface Check {
  status: CheckStatus;
  latency_ms?: number;
  message?: string;
}

/** `/health` and `/ready` (no auth). Unhealthy answers 503 so load balancers and scripts can tell. */
export const health = new Hono<AppEnv>();

async function checkDatabase(db: () => ReturnType<AppEnv['Variables']['db']>): Promise<Check> {
  const started = Date.now();
  try {
    await db().execute(sql`select 1`);
    return { status: 'healthy', latency_ms: Date.now() - started };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    return {
      status: 'unhealthy',
      latency_ms: Date.now() - started,
      message: `database unreachable: ${reason}`,
    };
  }
}

async function report(c: Context<AppEnv>) {
  const database = await checkDatabase(c.get('db'));
  const status = database.status === 'healthy' ? 'healthy' : 'unhealthy';
  return {
    body: {
      status,
      version: c.get('config').KOMBIFY_VERSION,
      timestamp: new Date().toISOString(),
      checks: { database },
    },
    ok: status === 'healthy',
  };
}

health.get('/health', async (c) => {
  const { body, ok } = await report(c);
  c.header('Cache-Control', 'no-store');
  return c.json(body, ok ? 200 : 503);
});

health.get('/ready', async (c) => {
  const { body, ok } = await report(c);
  c.header('Cache-Control', 'no-store');
  return c.json({ ready: ok, checks: body.checks }, ok ? 200 : 503);
});
