/**
 * Issue 22 on simulated machines: ha-homelab (3 managers, 2 workers) deployed onto an `ha-setup`
 * KombiSim simulation — five nodes, each with its own Docker engine. The workflow forms a real
 * Swarm (swarm.init on the leader, swarm.join on the others with the join tokens delivered from
 * the secret store), applies the overlay network and the Swarm services from the leader, and
 * verifies every member, every service's tasks and every published port.
 *
 * Services: kombify's echo app (2 replicas, port 8080), the mirror's Debian-built Redis pinned to
 * w1 (placement by the kombify.node label), and the kit's Traefik on every manager (the mirror's
 * traefik is a stand-in: Debian has no Traefik). This kernel has no IPVS, so the agent publishes
 * in host mode with DNS round-robin (the run's steps say so) — the routing mesh is not available
 * here. Also: a redeploy changes nothing; no job view holds a join token; a rolling update
 * (start-first) and a partitioned manager of three keep the service answering under a request
 * loop; the HA drill kills the leader's node under a request loop (a new leader is elected, the
 * service keeps answering, the node rejoins when started); a worker dropped from the plan is
 * drained, leaves and is forgotten, and rejoins when put back; an update whose tasks fail their
 * health check is rolled back by Swarm and the run fails with Swarm's reason; destroy leaves no
 * swarm, service, overlay network or volume behind; a node already in another swarm is a
 * blocking pre-check (nothing changed).
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceImages } from '../../scripts/lib/service-images.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { requestLoop as startRequestLoop } from '../harness/request-loop.ts';
import {
  containersOfSimulation,
  nodePassword,
  onlineWorkers,
  removeSimulations,
  runWorkflow,
  ssh2Exec,
  startSimStack,
} from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

const SIM_IMAGE = 'kombify/sim-node:swarm-deploy';
const SSH_FIRST = 2440;
const run = `sw${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Spec node → ha-setup node. */
const BIND = { m1: 'lb-1', m2: 'app-1', m3: 'app-2', w1: 'db-primary', w2: 'db-replica' } as const;
type Member = keyof typeof BIND;

let docker: Docker;
let stack: Stack;
let sim: any;
let stackId: string;
const sims = new Set<string>();
const passwords = new Map<string, string>();
const simNode = (m: Member) => sim.nodes.find((n: any) => n.name === BIND[m]);

async function inNode(m: Member, command: string) {
  const node = simNode(m);
  if (!passwords.has(m)) passwords.set(m, await nodePassword(stack, node.id));
  return (await ssh2Exec({ port: node.ssh_port, password: passwords.get(m) }, command)).stdout.trim();
}

const spec = `name: ${run}
kit: ha-homelab
variant: minimal
nodes:
  - { name: m1, type: main, provider: local, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m2, type: main, provider: local, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m3, type: main, provider: local, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: w1, type: worker, provider: local, resources: { cpu: 2, memory: 4Gi, disk: 50Gi } }
  - { name: w2, type: worker, provider: local, resources: { cpu: 2, memory: 4Gi, disk: 50Gi } }
network:
  domain: lab.example.net
services:
  - { name: dozzle, enabled: false }
  - name: web
    image: kombify/echo-app:1
    replicas: 2
    ports: [{ container: 8080, host: 8080 }]
  - name: cache
    image: redis:7-alpine
    node: w1
    volumes: [{ name: cache-data, mountPath: /data }]
`;

const bindings = Object.fromEntries(
  Object.entries(BIND).map(([m, n]) => [m, { simulation: '', node: n }]),
) as Record<Member, { simulation: string; node: string }>;

const runTo = (path: string, body: unknown) => runWorkflow(stack, path, body, 480_000);

/** The request loop against the web service on the stack's five nodes (harness/request-loop.ts). */
async function requestLoop() {
  const ips: string[] = [];
  for (const c of await containersOfSimulation(docker, sim.id))
    if ((Object.values(BIND) as string[]).some((n) => c.Names[0]!.endsWith(`-${n}`)))
      ips.push(Object.values(c.NetworkSettings.Networks)[0]!.IPAddress);
  return startRequestLoop(ips, 8080);
}

const stepOf = (wf: any, name: string) => wf.steps.find((s: any) => s.name === name);

beforeAll(async () => {
  docker = await requireDocker();
  await buildServiceImages({
    testImage: TEST_IMAGE,
    only: ['kombify/echo-app:1', 'redis:7-alpine', 'traefik:v3.1'],
    progress: (line) => process.stdout.write(`[images] ${line}\n`),
  });
  stack = await startSimStack({ host: `${run}-host`, image: SIM_IMAGE, sshFirst: SSH_FIRST, sshPorts: 6 });
  const res = await stack.api('/api/v1/templates/ha-setup/apply', {
    body: { simulation_name: run, deploy_target: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  sim = res.body;
  sims.add(sim.id);
  for (const b of Object.values(bindings)) b.simulation = sim.id;
  await onlineWorkers(stack, sim.id, 5);
}, 900_000);

afterAll(async () => {
  if (stackId) await removeStackResources(docker, stackId);
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('ha-homelab on five simulated machines', () => {
  it('forms a swarm of 3 managers and 2 workers and runs every service where it is placed', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', { body: { yaml: spec, bindings } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');

    // The swarm as the leader's engine sees it.
    const nodes = (
      await inNode('m1', `docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'`)
    )
      .split('\n')
      .map((l) => l.split(' '));
    expect(nodes).toHaveLength(5);
    expect(nodes.every(([, status]) => status === 'Ready')).toBe(true);
    expect(nodes.filter(([, , m]) => m === 'Leader' || m === 'Reachable')).toHaveLength(3);
    expect(nodes.filter(([, , m]) => m === 'Leader')).toHaveLength(1);
    // Node labels from the plan: the placement of `cache` on w1 uses kombify.node.
    const w1Host = await inNode('w1', 'hostname');
    expect(
      await inNode('m1', `docker node inspect ${w1Host} --format '{{index .Spec.Labels "kombify.node"}}'`),
    ).toBe('w1');

    // Every service runs all its tasks; cache runs on w1; traefik on each manager.
    const replicas = Object.fromEntries(
      (
        await inNode(
          'm1',
          `docker service ls --filter label=kombify.stack=${stackId} --format '{{.Name}} {{.Replicas}}'`,
        )
      )
        .split('\n')
        .map((l) => l.split(' ')),
    );
    expect(replicas).toEqual({ [`${run}-web`]: '2/2', [`${run}-cache`]: '1/1', [`${run}-traefik`]: '3/3' });
    const cacheNodes = await inNode(
      'm1',
      `docker service ps ${run}-cache --filter desired-state=running --format '{{.Node}}'`,
    );
    expect(cacheNodes).toBe(w1Host);
    // The overlay network, made once on the leader, spans the nodes running tasks.
    expect(
      await inNode(
        'm1',
        `docker network ls --filter label=kombify.stack=${stackId} --format '{{.Name}} {{.Driver}}'`,
      ),
    ).toBe(`${run}-net overlay`);

    // The web app answers on each node running one of its tasks (host mode: no IPVS here).
    const webHosts = (
      await inNode('m1', `docker service ps ${run}-web --filter desired-state=running --format '{{.Node}}'`)
    ).split('\n');
    expect(webHosts).toHaveLength(2);
    for (const host of webHosts) {
      const body = await inNode('m1', `curl -s --max-time 5 http://${host}:8080/`);
      expect(body.length, `web on ${host}`).toBeGreaterThan(0);
    }
    // The run says why: the agent's note, and verify's checks per member, service and port.
    // The plan (before approval) said what the swarm's services would do: all new.
    const planned = stepOf(wf, 'plan').detail.swarm.find((r: any) => r.type === 'swarm.services');
    expect(planned.services.map((x: any) => x.action)).toEqual(['create', 'create', 'create']);
    expect(planned.notes.join(' ')).toMatch(/no swarm yet/);
    const swarmResults = stepOf(wf, 'apply').detail.swarm;
    const services = swarmResults.find((r: any) => r.type === 'swarm.services');
    expect(services.notes.join(' ')).toMatch(/no IPVS/);
    expect(services.services.map((s: any) => [s.service, s.action, s.tasks]).sort()).toEqual([
      ['cache', 'create', '1/1'],
      ['traefik', 'create', '3/3'],
      ['web', 'create', '2/2'],
    ]);
    const checks = stepOf(wf, 'verify')
      .detail.results.find((r: any) => r.type === 'swarm.verify')
      .checks.map((c: any) => [c.service, c.kind, c.ok]);
    expect(checks).toContainEqual(['swarm', 'nodes', true]);
    // The API shows the swarm as a manager sees it: members, leader, tasks per node.
    const view = (await stack.api(`/v1/orchestrator/stacks/${stackId}/swarm`)).body.data;
    expect(view.asked).toBe('m1');
    expect(view.nodes.map((n: any) => [n.node, n.role, n.state]).sort()).toEqual([
      ['m1', 'manager', 'ready'],
      ['m2', 'manager', 'ready'],
      ['m3', 'manager', 'ready'],
      ['w1', 'worker', 'ready'],
      ['w2', 'worker', 'ready'],
    ]);
    expect(view.nodes.find((n: any) => n.leader).node).toBe('m1');
    expect(view.nodes.find((n: any) => n.node === 'w1').tasks).toContainEqual({
      service: 'cache',
      state: 'running',
    });
    expect(Object.fromEntries(view.services.map((x: any) => [x.service, x.tasks]))).toEqual({
      cache: '1/1',
      traefik: '3/3',
      web: '2/2',
    });
    expect(checks.filter((c: any) => c[0] === 'web' && c[1] === 'endpoint')).toEqual([
      ['web', 'endpoint', true],
      ['web', 'endpoint', true],
    ]);
  });

  it('keeps the join tokens out of every job view, in the secret store instead', async () => {
    const wfs = (await stack.api(`/v1/orchestrator/stacks/${stackId}/workflows`)).body.data as any[];
    const full = await Promise.all(wfs.map((w) => stack.api(`/v1/orchestrator/workflows/${w.id}`)));
    const text = JSON.stringify(full.map((r) => r.body));
    expect(text).toContain('swarm.init');
    expect(text).not.toMatch(/SWMTKN-/);
    const jobs = await stack.api('/v1/orchestrator/jobs?per_page=100');
    expect(JSON.stringify(jobs.body)).not.toMatch(/SWMTKN-/);
    const secrets = ((await stack.api('/v1/orchestrator/secrets')).body.data as any[]).map((s) => s.path);
    expect(secrets).toEqual(
      expect.arrayContaining([`swarm/${stackId}/join-manager`, `swarm/${stackId}/join-worker`]),
    );
  });

  it('changes nothing when deployed again', async () => {
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    const planned = stepOf(wf, 'plan').detail.swarm.find((r: any) => r.type === 'swarm.services');
    expect(planned.services.map((x: any) => x.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const swarm = stepOf(wf, 'apply').detail.swarm;
    expect(swarm.find((r: any) => r.type === 'swarm.init').created).toBe(false);
    expect(swarm.filter((r: any) => r.type === 'swarm.join').map((r: any) => r.joined)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(swarm.find((r: any) => r.type === 'swarm.services').services.map((s: any) => s.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('a rolling update (start-first) under a request loop: the new image runs, no request fails', async () => {
    const loop = await requestLoop();
    await new Promise((r) => setTimeout(r, 1000));
    const next = spec.replace('image: kombify/echo-app:1', 'image: kombify/echo-app:latest');
    const added = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, { body: { yaml: next } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    await loop.end();
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    const services = stepOf(wf, 'apply').detail.swarm.find((r: any) => r.type === 'swarm.services').services;
    expect(services.find((x: any) => x.service === 'web')).toMatchObject({ action: 'update', tasks: '2/2' });
    expect(
      services
        .filter((x: any) => x.action === 'unchanged')
        .map((x: any) => x.service)
        .sort(),
    ).toEqual(['cache', 'traefik']);
    expect(
      await inNode(
        'm1',
        `docker service inspect ${run}-web --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}'`,
      ),
    ).toBe('kombify/echo-app:latest');
    process.stdout.write(`[update] ${loop.ok} requests answered, ${loop.failed.length} failed\n`);
    expect(loop.ok).toBeGreaterThan(50);
    expect(loop.failed).toEqual([]);
  });

  it('one manager of three partitioned: the other two keep quorum and serving; healed, it catches up', async () => {
    const m3Host = await inNode('m3', 'hostname');
    const w2Host = await inNode('w2', 'hostname');
    const loop = await requestLoop();
    const cut = await stack.api(`/api/v1/nodes/${simNode('m3').id}/faults`, { body: { kind: 'partition' } });
    expect(cut.status, JSON.stringify(cut.body)).toBe(200);
    await poll(
      async () => {
        const out = await inNode('m1', `docker node ls --format '{{.Hostname}} {{.ManagerStatus}}'`);
        return out.split('\n').includes(`${m3Host} Unreachable`) ? out : null;
      },
      60_000,
      'the partitioned manager unreachable',
    );
    // A change needs the Raft quorum: two of three managers still make one.
    await inNode('m1', `docker node update --label-add drill=partition ${w2Host} >/dev/null`);
    expect(
      await inNode('m1', `docker node inspect ${w2Host} --format '{{index .Spec.Labels "drill"}}'`),
    ).toBe('partition');
    const healed = await stack.api(`/api/v1/nodes/${simNode('m3').id}/faults`, { method: 'DELETE' });
    expect(healed.status, JSON.stringify(healed.body)).toBe(200);
    // Back, it has the change made while it was away.
    await poll(
      async () =>
        (await inNode('m3', `docker node inspect ${w2Host} --format '{{index .Spec.Labels "drill"}}'`).catch(
          () => '',
        )) === 'partition',
      60_000,
      'the healed manager to catch up',
    );
    await loop.end();
    await inNode('m1', `docker node update --label-rm drill ${w2Host} >/dev/null`);
    process.stdout.write(`[partition] ${loop.ok} requests answered, ${loop.failed.length} failed\n`);
    expect(loop.failed).toEqual([]);
  });

  it('HA drill: the leader’s node killed, a new leader is elected, the service keeps answering; started, it rejoins', async () => {
    const m1Host = await inNode('m1', 'hostname');
    const loop = await requestLoop();
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now();
    const killed = await stack.api(`/api/v1/nodes/${simNode('m1').id}/faults`, { body: { kind: 'kill' } });
    expect(killed.status, JSON.stringify(killed.body)).toBe(200);
    let restarted = false;
    try {
      // A new leader among the two managers left (quorum 2 of 3).
      const leader = await poll(
        async () => {
          const out = await inNode('m2', `docker node ls --format '{{.Hostname}} {{.ManagerStatus}}'`).catch(
            () => '',
          );
          const line = out.split('\n').find((l) => l.endsWith(' Leader'));
          return line && !line.startsWith(`${m1Host} `) ? line.split(' ')[0] : null;
        },
        60_000,
        'a new leader',
      );
      const failoverMs = Date.now() - killedAt;
      // Swarm puts the killed node's tasks elsewhere: web and cache at full strength again.
      // Counted per task, not from `service ls`: its replica count still includes the tasks the
      // dead node last reported running (it shows web "3/2").
      const running = async (service: string) =>
        (
          await inNode(
            'm2',
            `docker service ps ${run}-${service} --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'`,
          )
        )
          .split('\n')
          .filter((l) => l.includes(' Running') && !l.startsWith(`${m1Host} `)).length;
      await poll(
        async () => ((await running('web')) === 2 && (await running('cache')) === 1 ? true : null),
        120_000,
        'the services at full strength without the killed node',
      );
      await loop.end();
      // Asked without the leader's node: another manager answers, and shows the killed node down.
      const view = (await stack.api(`/v1/orchestrator/stacks/${stackId}/swarm`)).body.data;
      expect(view.asked).not.toBe('m1');
      // A new leader first marks every node "unknown" until it hears from it, and "down" only after
      // a grace period: either says the node is not ready.
      const m1View = view.nodes.find((n: any) => n.node === 'm1');
      expect(m1View.leader).toBe(false);
      expect(['down', 'unknown']).toContain(m1View.state);
      expect(view.nodes.find((n: any) => n.leader).hostname).toBe(leader);
      process.stdout.write(
        `[drill] new leader ${leader} after ${failoverMs} ms; ${loop.ok} requests answered, ${loop.failed.length} failed\n`,
      );
      expect(leader).not.toBe(m1Host);
      expect(loop.ok).toBeGreaterThan(100);
      // Every request found a web task on some node: the replicas are on two nodes.
      expect(loop.failed).toEqual([]);

      const started = await stack.api(`/api/v1/nodes/${simNode('m1').id}/start`, { method: 'POST' });
      restarted = true;
      expect(started.body.status, JSON.stringify(started.body)).toBe('running');
      await poll(
        async () => {
          const out = await inNode(
            'm2',
            `docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'`,
          ).catch(() => '');
          return out.split('\n').some((l) => l === `${m1Host} Ready Reachable`) ? out : null;
        },
        120_000,
        'the restarted node back as a reachable manager',
      );
    } finally {
      // A failed assertion must not leave the leader's node dead under the tests that follow.
      if (!restarted) await stack.api(`/api/v1/nodes/${simNode('m1').id}/start`, { method: 'POST' });
    }
    await onlineWorkers(stack, sim.id, 5);
  });

  it('a worker dropped from the plan is drained, leaves and is forgotten; put back, it rejoins', async () => {
    const w2Host = await inNode('w2', 'hostname');
    const without = spec.replace(/ {2}- \{ name: w2, [^\n]*\n/, '');
    expect(without).not.toContain('name: w2');
    const dropped = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, { body: { yaml: without } });
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(201);
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    expect(await inNode('w2', `docker info --format '{{.Swarm.LocalNodeState}}'`)).toBe('inactive');
    const hosts = (await inNode('m1', `docker node ls --format '{{.Hostname}} {{.Status}}'`)).split('\n');
    expect(hosts).toHaveLength(4);
    expect(hosts.some((h) => h.startsWith(`${w2Host} `))).toBe(false);
    // Its web task moved before it left: both run, none on w2's node.
    const web = (
      await inNode(
        'm1',
        `docker service ps ${run}-web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'`,
      )
    )
      .split('\n')
      .filter((l) => l.includes(' Running'));
    expect(web).toHaveLength(2);
    expect(web.some((l) => l.startsWith(`${w2Host} `))).toBe(false);

    const back = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, { body: { yaml: spec } });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const again = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(again.status, JSON.stringify(again.error ?? again.steps)).toBe('succeeded');
    const rejoined = (await inNode('m1', `docker node ls --format '{{.Hostname}} {{.Status}}'`)).split('\n');
    expect(rejoined).toHaveLength(5);
    expect(rejoined).toContain(`${w2Host} Ready`);
  });

  it('rolls a failing update back by itself, and the run says why', async () => {
    // A new version whose web tasks never get healthy: Swarm's update monitor sees them fail.
    const broken = spec.replace(
      '    replicas: 2\n',
      "    replicas: 2\n    healthCheck: { command: [sh, -c, 'exit 1'], interval: 2s, timeout: 2s, retries: 1 }\n    update: { monitor: 10s, delay: 1s }\n",
    );
    const added = await stack.api(`/v1/orchestrator/stacks/${stackId}/spec`, { body: { yaml: broken } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.steps)).toBe('failed');
    expect(wf.error.code).toBe('swarm_update_rolled_back');
    expect(wf.error.message).toMatch(new RegExp(`${run}-web: the update was rolled back: `));
    // The previous spec runs again: no health check, both tasks up.
    expect(
      await inNode(
        'm1',
        `docker service inspect ${run}-web --format '{{json .Spec.TaskTemplate.ContainerSpec.Healthcheck}}'`,
      ),
    ).toBe('null');
    expect(await inNode('m1', `docker service ls --filter name=${run}-web --format '{{.Replicas}}'`)).toBe(
      '2/2',
    );
  });

  it('destroys everything: no swarm, service, overlay network or volume is left', async () => {
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/destroy`, {
      auto_approve: true,
      volumes: true,
    });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    for (const m of Object.keys(BIND) as Member[]) {
      expect(await inNode(m, `docker info --format '{{.Swarm.LocalNodeState}}'`), m).toBe('inactive');
      expect(await inNode(m, `docker ps -aq --filter label=kombify.stack=${stackId}`), m).toBe('');
      expect(await inNode(m, `docker volume ls -q --filter label=kombify.stack=${stackId}`), m).toBe('');
      expect(await inNode(m, `docker network ls -q --filter label=kombify.stack=${stackId}`), m).toBe('');
    }
  });

  it('refuses a node that is in another swarm at the pre-checks, before anything changes', async () => {
    // w2's node forms a swarm of its own, as if a user had tried something by hand.
    await inNode('w2', `docker swarm init --advertise-addr $(hostname -i | cut -d' ' -f1) >/dev/null`);
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(wf.status).toBe('failed');
    expect(wf.error.code).toBe('prechecks_failed');
    expect(wf.error.message).toMatch(
      /w2: swarm_membership: the node is already in swarm \S+, not this stack.s/,
    );
    // Only w2: every other member is in no swarm.
    expect(wf.error.message).not.toMatch(/(m1|m2|m3|w1): swarm_membership/);
    // Nothing was applied: the leader's node is still in no swarm.
    expect(await inNode('m1', `docker info --format '{{.Swarm.LocalNodeState}}'`)).toBe('inactive');
    await inNode('w2', 'docker swarm leave --force >/dev/null');
  });
});
