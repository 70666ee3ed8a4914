/**
 * Issue 16's main path on a simulated machine: base-homelab `default` (its example's services:
 * Traefik, Dokploy, Uptime Kuma, Dozzle, whoami, PostgreSQL and the app) deployed onto a
 * `single-node` KombiSim simulation with the real PostgreSQL image from the mirror and kombify's
 * echo app as the app. The database password is a secret in the org's store: PostgreSQL starts
 * with it (the real image refuses to start without one), the app connects with it (a real SQL
 * round trip through the app's /db), and the value is in no job view, event, log line, export,
 * audit row, Durable Object file or Postgres row.
 *
 * Images: Traefik, Dokploy, Uptime Kuma and Dozzle are not packaged by Debian, so they are the
 * mirror's named stand-ins; whoami is kombify's; PostgreSQL is Debian's postgresql-15.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { nodePassword, removeSimulations, ssh2Exec, startSimStack } from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

const SIM_IMAGE = 'kombify/sim-node:secrets-deploy';
const SSH_FIRST = 2380;
const run = `sd${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const exec = promisify(execFile);
// Long enough and odd enough that finding it anywhere is a leak, not a coincidence.
const PASSWORD = `pw-${run}-${Math.random().toString(36).slice(2, 10)}-Zq7`;

let docker: Docker;
let stack: Stack;
let sim: any;
let node: any;
let password: string;
let stackId: string;
const sims = new Set<string>();

const inNode = (command: string) => ssh2Exec({ port: node.ssh_port, password }, command);

const spec = `name: ${run}
kit: base-homelab
variant: default
nodes:
  - name: server
    type: main
    provider: local
    resources: { cpu: 4, memory: 8Gi, disk: 200Gi }
services:
  - name: postgres
    type: database
    image: postgres:16-alpine
    ports: [{ container: 5432, host: 5432 }]
    volumes:
      - name: pg-data
        mountPath: /var/lib/postgresql/data
    environment:
      POSTGRES_DB: app
    environmentSecrets:
      POSTGRES_PASSWORD: secret://postgres/password
  - name: app
    image: kombify/echo-app:1
    needs: [postgres]
    ports: [{ container: 8080, host: 8081 }]
    environment:
      PGHOST: ${run}-postgres
      PGUSER: postgres
      PGDATABASE: app
    environmentSecrets:
      PGPASSWORD: secret://postgres/password
`;

async function runTo(path: string, body: unknown) {
  const started = await stack.api(path, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed'].includes(wf?.status) ? wf : null;
    },
    300_000,
    `${path} to finish`,
  );
}

beforeAll(async () => {
  docker = await requireDocker();
  await buildServiceImages({
    testImage: TEST_IMAGE,
    only: [
      'postgres:16-alpine',
      'kombify/echo-app:1',
      'traefik/whoami:latest',
      'traefik:v3.1',
      'dokploy/dokploy:latest',
      'louislam/uptime-kuma:1',
      'amir20/dozzle:latest',
    ],
    progress: (line) => process.stdout.write(`[images] ${line}\n`),
  });
  stack = await startSimStack({ host: `${run}-host`, image: SIM_IMAGE, sshFirst: SSH_FIRST, sshPorts: 4 });
  const res = await stack.api('/api/v1/templates/single-node/apply', {
    body: { simulation_name: run, deploy_target: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  sim = res.body;
  sims.add(sim.id);
  node = sim.nodes[0];
  // The node's root password is sealed at rest until it is shown (then forgotten).
  const client = new pg.Client({ connectionString: stack.db.config.databaseUrl });
  await client.connect();
  const row = await client
    .query('select root_password from sim_nodes where id = $1', [node.id])
    .finally(() => client.end());
  password = await nodePassword(stack, node.id);
  expect(row.rows[0].root_password).toMatch(/^sealed:v1:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(row.rows[0].root_password).not.toContain(password);
  await poll(
    async () =>
      ((await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[]).find(
        (w) => w.simulation_id === sim.id && w.status === 'online',
      ),
    60_000,
    'the node’s worker online',
  );
}, 600_000);

afterAll(async () => {
  if (stackId) await removeStackResources(docker, stackId);
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('base-homelab default with its database password from the secret store', () => {
  it('refuses a deploy whose secret does not exist, naming the service and the path', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: spec, bindings: { server: { simulation: sim.id, node: 'server' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    const refused = await stack.api(`/v1/orchestrator/stacks/${stackId}/provision`, {
      body: { auto_approve: true },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    const text = JSON.stringify(refused.body);
    expect(text).toContain('postgres/password');
    expect(refused.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'nodes.server.services.postgres.secret_env.POSTGRES_PASSWORD' }),
        expect.objectContaining({ path: 'nodes.server.services.app.secret_env.PGPASSWORD' }),
      ]),
    );
    // "Used by", as the web's secret list shows it: the stack's two services, by field.
    const usage = (await stack.api('/v1/orchestrator/secret-usage')).body.data;
    expect(usage).toEqual([
      {
        path: 'postgres/password',
        used_by: [
          {
            stack_id: stackId,
            stack_name: run,
            node: 'server',
            service: 'app',
            field: 'secret_env.PGPASSWORD',
          },
          {
            stack_id: stackId,
            stack_name: run,
            node: 'server',
            service: 'postgres',
            field: 'secret_env.POSTGRES_PASSWORD',
          },
        ],
      },
    ]);
  });

  it('deploys: PostgreSQL starts with the secret and the app makes a SQL round trip with it', async () => {
    const put = await stack.api('/v1/orchestrator/secrets/postgres/password', {
      method: 'PUT',
      body: { value: PASSWORD },
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);

    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');

    // The app, inside the node, asks its database through its own /db.
    const db = await poll(
      async () => {
        const out = await inNode('curl -s -w " %{http_code}" http://127.0.0.1:8081/db');
        return out.stdout.endsWith(' 200') ? out.stdout : null;
      },
      60_000,
      'the app’s SQL round trip',
    );
    expect(db).toBe('connected as postgres to app\n 200');
    // And the database really has that password (not trust auth): a wrong one is refused.
    const pgName = `${run}-postgres`;
    const psql = (pw: string) =>
      inNode(
        `docker exec -e PGPASSWORD='${pw}' ${pgName} psql -h 127.0.0.1 -U postgres -d app -tAc 'select 1' 2>&1`,
      );
    expect((await psql(PASSWORD)).stdout.trim()).toBe('1');
    expect((await psql('not-the-password')).stdout).toMatch(/password authentication failed/);

    // The value is nowhere kombify keeps or shows things.
    const jobs = (await stack.api('/v1/orchestrator/jobs?per_page=100')).body;
    // A job's view holds its params (redacted), result, events and log lines.
    const views = await Promise.all(
      (jobs.data as any[]).map(async (j) => (await stack.api(`/v1/orchestrator/jobs/${j.id}`)).body),
    );
    expect(views.some((v) => v.data?.type === 'stack.converge')).toBe(true);
    const shown = JSON.stringify([
      wf,
      jobs,
      views,
      (await stack.api(`/v1/orchestrator/stacks/${stackId}/workflows`)).body,
      (await stack.api(`/v1/orchestrator/stacks/${stackId}/export`)).body,
      (await stack.api('/v1/orchestrator/secrets')).body,
      (await stack.api('/v1/orchestrator/secrets/postgres/password')).body,
      (await stack.api('/api/v1/audit-log')).body,
    ]);
    expect(shown).toContain('postgres/password');
    expect(shown).not.toContain(PASSWORD);
    // Durable Object storage (SQLite files) and every Postgres row.
    const grep = await exec('grep', ['-rl', '--binary-files=text', PASSWORD, stack.edgeStateDir]).catch(
      (e) => e,
    );
    expect(grep.stdout ?? '', 'Durable Object files holding the value').toBe('');
    const client = new pg.Client({ connectionString: stack.db.config.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query(
        "select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'",
      );
      const hits: string[] = [];
      for (const t of tables.rows) {
        const rows = await client.query(
          `select count(*)::int as n from "${t.table_schema}"."${t.table_name}" r where r::text like $1`,
          [`%${PASSWORD}%`],
        );
        if (rows.rows[0].n > 0) hits.push(`${t.table_schema}.${t.table_name}`);
      }
      expect(hits, 'Postgres tables holding the value in clear').toEqual([]);
    } finally {
      await client.end();
    }
  }, 600_000);

  it('rotates: the stack shows drift, a deploy re-creates only what uses the secret, the new password works and the old one fails', async () => {
    const rotated = `rot-${run}-${Math.random().toString(36).slice(2, 10)}-Xk4`;
    const put = await stack.api('/v1/orchestrator/secrets/postgres/password', {
      method: 'PUT',
      body: { value: rotated },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const drift = (await stack.api(`/v1/orchestrator/stacks/${stackId}`)).body.data.drift.secrets;
    expect(drift).toEqual({
      drifted: true,
      changed: [{ path: 'postgres/password', deployed_version: 1, current_version: 2 }],
    });

    const f = `--filter label=kombify.stack=${stackId}`;
    const ids = async () =>
      Object.fromEntries(
        (await inNode(`docker ps ${f} --format '{{.Label "kombify.service"}} {{.ID}}'`)).stdout
          .trim()
          .split('\n')
          .map((l) => l.split(' ')),
      );
    const before = await ids();
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    const after = await ids();
    expect(after.postgres).not.toBe(before.postgres);
    expect(after.app).not.toBe(before.app);
    for (const s of ['traefik', 'whoami', 'dozzle']) expect(after[s], s).toBe(before[s]);

    const db = await poll(
      async () => {
        const out = await inNode('curl -s -w " %{http_code}" http://127.0.0.1:8081/db');
        return out.stdout.endsWith(' 200') ? out.stdout : null;
      },
      60_000,
      'the app’s SQL round trip with the rotated password',
    );
    expect(db).toBe('connected as postgres to app\n 200');
    const psql = (pw: string) =>
      inNode(
        `docker exec -e PGPASSWORD='${pw}' ${run}-postgres psql -h 127.0.0.1 -U postgres -d app -tAc 'select 1' 2>&1`,
      );
    expect((await psql(rotated)).stdout.trim()).toBe('1');
    expect((await psql(PASSWORD)).stdout).toMatch(/password authentication failed/);
    expect((await stack.api(`/v1/orchestrator/stacks/${stackId}`)).body.data.drift.secrets.drifted).toBe(
      false,
    );
    const shown = JSON.stringify([wf, (await stack.api('/v1/orchestrator/jobs?per_page=100')).body]);
    expect(shown).not.toContain(rotated);
  }, 600_000);
});
