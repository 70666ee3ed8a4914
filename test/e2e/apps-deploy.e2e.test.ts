/**
 * Catalog apps deployed for real onto a simulated machine: a `single-node` KombiSim simulation as
 * the deploy target, base-homelab `minimal` on it (test/harness/homelab.ts), and three catalog apps
 * added through `POST /v1/orchestrator/stacks/{id}/apps` — gitea (database-backed: gitea + its
 * Postgres), vaultwarden (a generated secret) and it-tools (a route) — then provisioned through the
 * normal workflow (pre-checks, plan, apply, verify) and checked inside the node over SSH.
 *
 * The node runs its own Docker engine, which pulls from the host's registry mirror. Images: the
 * mirror here has no images of gitea, vaultwarden or it-tools (Debian packages none of them and
 * this machine cannot pull them), so those services run the local busybox stand-in
 * (`kombify/busybox:test`, pushed into the mirror; an image override per service) serving HTTP on
 * the app's container ports, with a wget health check instead of the app's own (which the
 * stand-in cannot answer). gitea's database runs for real: the mirror's Debian-built PostgreSQL
 * under the catalog's own `postgres:16.4-alpine`, initialised with the generated password. Everything else is the app's own definition as the route added it:
 * service names, ports, volumes, needs, routes and `secret://` references. The route stores the
 * generated secrets in the org's store; the deploy delivers them into the containers (checked below).
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type Homelab, homelab, httpdCommand } from '../harness/homelab.ts';
import { nodePassword, removeSimulations, ssh2Exec, startSimStack } from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

// Own node image tag and SSH ports: other suites use theirs on this engine at the same time.
const SIM_IMAGE = 'kombify/sim-node:apps-deploy';
const SSH_FIRST = 2340;
const run = `ad${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const APPS = ['gitea', 'vaultwarden', 'it-tools'] as const;

let docker: Docker;
let stack: Stack;
let sim: any;
let node: any;
let lab: Homelab;
let stackId: string;
const sims = new Set<string>();
const secretValues: string[] = [];

async function runTo(path: string, body: unknown) {
  const started = await stack.api(path, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed'].includes(wf?.status) ? wf : null;
    },
    180_000,
    `${path} to finish`,
  );
}

const step = (wf: any, name: string) => wf.steps.find((s: any) => s.name === name);
let password: string;
const inNode = (command: string) => ssh2Exec({ port: node.ssh_port, password }, command);
/** Lines of a docker command run in the node's own engine. */
const inEngine = async (command: string) =>
  (await inNode(`docker ${command}`)).stdout.split('\n').filter(Boolean);

/**
 * The stand-in for an app's services in the spec the route wrote: busybox httpd on each service's
 * container ports (a database without ports gets one, so its health check has something to ask).
 */
/** App services that run their real image from the mirror (Debian's PostgreSQL under the catalog's tag). */
const REAL = new Set(['gitea-db']);

function standIns(source: string, appServices: Set<string>): string {
  const doc = parseDocument(source);
  const services = doc.get('services') as any;
  for (const item of services.items) {
    const name = String(item.get('name'));
    if (!appServices.has(name) || REAL.has(name)) continue;
    const ports = (item.toJSON().ports ?? []).map((p: { container: number }) => p.container);
    const served = ports.length > 0 ? ports : [5432];
    item.set('command', doc.createNode(httpdCommand(served)));
    item.set(
      'healthCheck',
      doc.createNode({
        command: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${served.at(-1)}/`],
        interval: '1s',
        timeout: '2s',
        retries: 20,
        startPeriod: '0s',
      }),
    );
  }
  return doc.toString();
}

beforeAll(async () => {
  docker = await requireDocker();
  await buildServiceImages({
    testImage: TEST_IMAGE,
    only: ['postgres:16.4-alpine'],
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
  password = await nodePassword(stack, node.id);
  await poll(
    async () =>
      ((await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[]).find(
        (w) => w.simulation_id === sim.id && w.status === 'online',
      ),
    60_000,
    'the node’s worker online',
  );
  lab = await homelab({ name: `${run}-lab`, variant: 'minimal', image: TEST_IMAGE });
}, 240_000);

afterAll(async () => {
  if (stackId) await removeStackResources(docker, stackId);
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('catalog apps on a simulated machine', () => {
  it('adds three apps through the route and deploys them into the node', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: {
        yaml: lab.spec,
        options: { images: lab.images },
        bindings: { local: { simulation: sim.id, node: 'server' } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;

    const appServices = new Set<string>();
    for (const app of APPS) {
      const definition = (await stack.api(`/v1/stackkits/apps/${app}`)).body.data;
      const images = Object.fromEntries(
        definition.services.filter((s: any) => !REAL.has(s.name)).map((s: any) => [s.name, TEST_IMAGE]),
      );
      const added = await stack.api(`/v1/orchestrator/stacks/${stackId}/apps`, {
        body: { app, options: { images } },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      for (const s of added.body.data.services) appServices.add(s);
      for (const s of added.body.data.secrets) secretValues.push(s.value);
    }
    expect([...appServices].sort()).toEqual(['gitea', 'gitea-db', 'it-tools', 'vaultwarden']);
    expect(secretValues).toHaveLength(2); // gitea's database password, vaultwarden's admin token

    // The stand-ins, as one more spec version (the options the route merged stay).
    const current = (await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`)).body.data;
    expect(current.version).toBe(1 + APPS.length);
    const yaml = standIns(current.source, appServices);
    const next = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, {
      body: { yaml, options: current.options },
    });
    expect(next.status, JSON.stringify(next.body)).toBe(201);

    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    for (const name of ['prechecks', 'plan', 'apply', 'verify'])
      expect(step(wf, name).status, name).toBe('succeeded');

    // In the node's own engine (none of it on the host's).
    const f = `--filter label=kombify.stack=${stackId}`;
    const containers = (await inEngine(`ps -a ${f} --format '{{.Label "kombify.service"}} {{.State}}'`)).map(
      (l) => l.split(' '),
    );
    const services = containers.map((c) => c[0]);
    for (const s of appServices) expect(services, s).toContain(s);
    for (const c of containers) expect(c[1], c[0]).toBe('running');
    expect(
      await docker.listContainers({ all: true, filters: { label: [`kombify.stack=${stackId}`] } }),
    ).toEqual([]);
    // The apps' named volumes, as the catalog names them (the lock keeps them).
    const names = (await inEngine(`volume ls ${f} --format '{{.Name}}'`)).join(' ');
    for (const v of ['gitea-data', 'gitea-db', 'vaultwarden-data']) expect(names).toContain(v);

    // Each app answers on its published port inside the node (gitea 3020, vaultwarden 8222, it-tools 8089).
    const out = await inNode(
      [3020, 8222, 8089]
        .map((p) => `curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:${p}/`)
        .join('; '),
    );
    expect(out.stdout.trim().split('\n')).toEqual(['200', '200', '200']);

    // Verify checked each app where it listens in the node.
    const checks = step(wf, 'verify').detail.results.flatMap((r: any) => r.checks);
    for (const app of APPS)
      expect(
        checks.find((c: any) => c.service === app),
        app,
      ).toMatchObject({ ok: true });
    // The generated secrets went into the org's store, and the deploy put them into the containers.
    const stored = ((await stack.api('/v1/orchestrator/secrets')).body.data as any[]).map((m) => m.path);
    const added = (await stack.api(`/v1/orchestrator/stacks/${stackId}/export`)).body.data.jobs.converge;
    const refs = added.flatMap((j: any) => j.params.secrets as string[]);
    expect(refs.length).toBe(2);
    for (const ref of refs) expect(stored).toContain(ref);
    const [vw] = await inEngine(`ps -q ${f} --filter label=kombify.service=vaultwarden`);
    const env = (await inEngine(`inspect ${vw} --format '{{json .Config.Env}}'`)).join('');
    expect(secretValues.some((v) => env.includes(`ADMIN_TOKEN=${v}`))).toBe(true);
    // gitea's database is the real PostgreSQL, initialised with the generated password.
    const [db] = await inEngine(`ps -q ${f} --filter label=kombify.service=gitea-db`);
    const psql = async (pw: string) =>
      (
        await inNode(
          `docker exec -e PGPASSWORD='${pw}' ${db} psql -h 127.0.0.1 -U gitea -d gitea -tAc 'select 1' 2>&1`,
        )
      ).stdout;
    const answers = await Promise.all(secretValues.map(psql));
    expect(answers.filter((a) => a.trim() === '1')).toHaveLength(1);
    expect(await psql('not-the-password')).toMatch(/password authentication failed/);
    // The generated secrets are in no run, event or log of the stack.
    const everything = JSON.stringify([
      wf,
      (await stack.api(`/v1/orchestrator/stacks/${stackId}/versions`)).body,
      (await stack.api(`/v1/orchestrator/stacks/${stackId}/export`)).body,
    ]);
    for (const value of secretValues) expect(everything).not.toContain(value);
  }, 400_000);

  it('destroy takes the apps away with their volumes', async () => {
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/destroy`, { force: true, volumes: true });
    expect(wf.status, JSON.stringify(wf.error)).toBe('succeeded');
    const f = `--filter label=kombify.stack=${stackId}`;
    expect(await inEngine(`ps -a ${f} -q`)).toEqual([]);
    expect(await inEngine(`volume ls ${f} -q`)).toEqual([]);
  }, 200_000);
});
