import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

type CheckStatus = 'healthy' | 'unhealthy';
interface Check {
  status: CheckStatus;
  latency_ms?: number;
  message?: string;
}

/** `/health` and `/ready` (no auth). Unhealthy answers 503 so load balancers and scripts can tell. */
export const health = new Hono<AppEnv>();

/**
 * How long one database check answers every probe (issue 20, L6): `/health` needs no credential,
 * so a flood of probes must not become a flood of queries. Per isolate; a probe after the window
 * checks again.
 */
const CHECK_TTL_MS = 5_000;
let recent: { at: number; check: Promise<Check> } | null = null;

async function checkDatabase(db: () => ReturnType<AppEnv['Variables']['db']>): Promise<Check> {
  const started = Date.now();
  try {
    await db().execute(sql`select 1`);
    return { status: 'healthy', latency_ms: Date.now() - started };
  } catch (error) {
    // Our own refusal (no DATABASE_URL) says what to fix; a driver's text (host names, ports,
    // user names) goes to the log, not to strangers.
    if (error instanceof ApiError) return { status: 'unhealthy', latency_ms: 0, message: error.message };
    console.error('health: database unreachable:', error);
    return { status: 'unhealthy', latency_ms: Date.now() - started, message: 'database unreachable' };
  }
}

function databaseCheck(c: Context<AppEnv>): Promise<Check> {
  const now = Date.now();
  if (recent && now - recent.at < CHECK_TTL_MS) return recent.check;
  const check = checkDatabase(c.get('db'));
  recent = { at: now, check };
  return check;
}

async function report(c: Context<AppEnv>) {
  const database = await databaseCheck(c);
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
