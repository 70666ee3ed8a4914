/**
 * The jobs API's submissions (issue 20, H2): a raw job is queued with origin "api" (the agent's
 * policy refuses it unless the node's owner allows raw jobs), and each submission leaves an audit
 * row naming the job type and its params as a job view shows them (redacted). The route runs in
 * workerd against the real AgentObject; Postgres is a recording stand-in (drizzle's pg-proxy), so
 * the test sees every statement the route sends.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/pg-proxy';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { jobs } from './routes.ts';

interface Statement {
  sql: string;
  params: unknown[];
}

/** A database that answers the job index insert with one row and records every statement. */
function recordingDb(): { db: Db; statements: Statement[] } {
  const statements: Statement[] = [];
  const db = drizzle(async (sql, params) => {
    statements.push({ sql, params });
    if (/^\s*INSERT INTO "jobs"/i.test(sql)) return { rows: [{ id: params[0] }] };
    return { rows: [] };
  });
  // The edge's driver (Neon) answers `execute` with `{ rows }`; pg-proxy answers with the rows.
  const execute = async (query: Parameters<typeof db.execute>[0]) => ({ rows: await db.execute(query) });
  return { db: Object.assign(Object.create(db), { execute }) as Db, statements };
}

function appFor(db: Db, principal: Principal) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('principal', principal);
    c.set('db', () => db);
    await next();
  });
  app.route('/v1/orchestrator/jobs', jobs);
  app.onError((error, c) =>
    c.json(
      { error: { code: error instanceof ApiError ? error.code : 'INTERNAL', message: error.message } },
      500,
    ),
  );
  return app;
}

const owner = (orgId: string): Principal => ({ kind: 'api_key', id: 'key_test', orgId, role: 'owner' });

async function submit(db: Db, orgId: string, body: unknown) {
  const res = await appFor(db, owner(orgId)).request(
    '/v1/orchestrator/jobs',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    env,
  );
  return { status: res.status, body: (await res.json()) as any };
}

const auditRows = (statements: Statement[]) =>
  statements.filter((s) => /insert into "audit_log"/i.test(s.sql));

describe('POST /v1/orchestrator/jobs', () => {
  it('H2 records an audit row with the job type and its redacted params', async () => {
    const orgId = randomId('org');
    const workerId = randomId('agt');
    const { db, statements } = recordingDb();
    const secret = 'root-password-that-must-not-be-logged';
    const res = await submit(db, orgId, {
      worker_id: workerId,
      type: 'sim.node.create',
      params: {
        simulation_id: 'sim_abc',
        node_id: 'node_abc',
        container: 'kombisim-abc-web',
        network: 'kombisim-abc',
        image: 'kombify/sim-node:test',
        hostname: 'web',
        ssh_port: 2222,
        cpu: 1,
        memory_mb: 512,
        password: secret,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    const rows = auditRows(statements);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.params).toContain('job.submit');
    expect(row.params).toContain('api_key:key_test');
    expect(row.params).toContain(`worker:${workerId}`);
    const after = JSON.parse(row.params.find((p) => typeof p === 'string' && p.includes('job_id')) as string);
    expect(after).toMatchObject({
      job_id: res.body.data.id,
      org_id: orgId,
      type: 'sim.node.create',
      origin: 'api',
      params: { image: 'kombify/sim-node:test', hostname: 'web', ssh_port: 2222, password: '[redacted]' },
    });
    expect(JSON.stringify(row.params)).not.toContain(secret);
  });

  it('H2 queues a raw job with origin "api", which the agent receives with the job', async () => {
    const orgId = randomId('org');
    const workerId = randomId('agt');
    const { db } = recordingDb();
    const res = await submit(db, orgId, { worker_id: workerId, type: 'node.facts' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stub = env.AGENTS.get(env.AGENTS.idFromName(workerId));
    const origin = await runInDurableObject(stub, (_instance, state) => {
      const rows = state.storage.sql.exec('SELECT origin FROM jobs WHERE id = ?', res.body.data.id).toArray();
      return rows[0]?.origin;
    });
    expect(origin).toBe('api');
  });

  it('writes no audit row when the params are refused (nothing was queued)', async () => {
    const { db, statements } = recordingDb();
    const res = await submit(db, randomId('org'), {
      worker_id: randomId('agt'),
      type: 'docker.run',
      params: { name: 'no-image' },
    });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(auditRows(statements)).toEqual([]);
  });
});
