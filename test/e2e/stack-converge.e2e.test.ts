/**
 * Stack convergence end to end: jobs queued through the jobs API (`POST /v1/orchestrator/jobs`)
 * to a real agent process with the real Docker engine. base-homelab `minimal` and `default` are
 * deployed from the kit's plan (stackkits toConvergeJobs/toVerifyChecks), with every service
 * running the local busybox image (test/harness/homelab.ts). Every stack id is unique to this run,
 * and cleanup removes only resources labelled with those ids.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { homelab } from '../harness/homelab.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
let workerId: string;
const run = `oa${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stacks: string[] = [];

/** A stack id of this run (also the spec name, so container names are unique too). */
function stackId(suffix: string): string {
  const id = `${run}-${suffix}`;
  stacks.push(id);
  return id;
}

async function job(type: string, params: unknown, timeoutMs = 90_000) {
  const created = await stack.api('/v1/orchestrator/jobs', { body: { worker_id: workerId, type, params } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return stack.waitForJob(created.body.data.id, ['succeeded', 'failed'], timeoutMs);
}

const byLabel = (id: string) => ({ filters: { label: [`kombify.stack=${id}`] } });

async function leftovers(id: string) {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, ...byLabel(id) }),
    docker.listNetworks(byLabel(id)),
    docker.listVolumes(byLabel(id)),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: volumes.Volumes?.length ?? 0 };
}

/** Removes what this run created, by its own unique stack labels only. */
const cleanup = (id: string) => removeStackResources(docker, id);

beforeAll(async () => {
  docker = await requireDocker();
  stack = await startStack();
  ({ workerId } = await stack.onlineAgent('converge-node'));
});

afterAll(async () => {
  for (const id of stacks) await cleanup(id);
  await stack?.stop();
});

describe('stack.converge, verify, prechecks and remove through the edge and a real agent', () => {
  it('deploys base-homelab minimal; dry run first; converges changes; removes everything', async () => {
    const id = stackId('min');
    const first = await homelab({ name: id, variant: 'minimal', image: TEST_IMAGE });
    const { params } = first.job;
    const services = params.services.map((s) => s.service);
    expect(services).toEqual(['traefik', 'dockge', 'portainer', 'netdata', 'dozzle']);
    const ports = params.services.flatMap((s) => (s.ports ?? []).map((p) => p.host));

    // Pre-checks before the first deploy: Docker, disk, memory and the stack's ports are free.
    const pre = await job('node.prechecks', { ports, stack: id, min_disk_mb: 1 });
    expect(pre.status).toBe('succeeded');
    expect(pre.result.checks.filter((c: { status: string }) => c.status !== 'passed')).toEqual([]);
    expect(pre.result.checks.map((c: { name: string }) => c.name)).toEqual([
      'docker_version',
      'disk_space',
      'ram_available',
      ...ports.map(() => 'port_available'),
    ]);

    // A dry run computes the actions and changes nothing.
    const dry = await job('stack.converge', { ...params, dry_run: true });
    expect(dry.status).toBe('succeeded');
    expect(dry.result.changes).toEqual({ create: 5, update: 0, remove: 0, unchanged: 0 });
    expect(dry.result.networks).toEqual([{ name: `${id}-net`, action: 'create' }]);
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0, volumes: 0 });

    const deployed = await job('stack.converge', params);
    expect(deployed.error).toBeNull();
    expect(deployed.status).toBe('succeeded');
    expect(deployed.result.changes).toEqual({ create: 5, update: 0, remove: 0, unchanged: 0 });
    for (const s of deployed.result.services) {
      expect(s, s.service).toMatchObject({ action: 'create', state: 'running' });
    }
    // Services with a health check were waited for until healthy.
    const health = Object.fromEntries(
      deployed.result.services.map((s: { service: string; health: string }) => [s.service, s.health]),
    );
    expect(health).toEqual({
      traefik: 'healthy',
      dockge: 'none',
      portainer: 'none',
      netdata: 'none',
      dozzle: 'healthy',
    });
    const logs = deployed.log.map((l: { text: string }) => l.text).join('\n');
    expect(logs).toContain(`creating network ${id}-net`);
    expect(logs).toContain(`started ${id}-traefik`);

    // Labels, restart policy, ports, network (with the service name as alias), mounts.
    const info = await docker.getContainer(`${id}-traefik`).inspect();
    expect(info.Id).toBe(deployed.result.services[0].container_id);
    expect(info.Config.Labels).toMatchObject({
      'kombify.managed': 'true',
      'kombify.stack': id,
      'kombify.node': 'local',
      'kombify.service': 'traefik',
      'kombify.spec-hash': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    const traefikPorts = params.services[0]?.ports ?? [];
    for (const p of traefikPorts) {
      expect(info.HostConfig.PortBindings?.[`${p.container}/tcp`]).toEqual([
        { HostIp: '', HostPort: String(p.host) },
      ]);
    }
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`${id}-net`]);
    expect(info.NetworkSettings.Networks[`${id}-net`]?.Aliases).toContain('traefik');
    expect(info.Mounts.map((m) => `${m.Type}:${m.Destination}`).sort()).toEqual([
      'bind:/var/run/docker.sock',
      'volume:/letsencrypt',
    ]);
    const net = await docker.getNetwork(`${id}-net`).inspect();
    expect(net.Labels).toMatchObject({
      'kombify.stack': id,
      'kombify.node': 'local',
      'kombify.managed': 'true',
    });
    expect(Object.keys(net.Containers ?? {})).toHaveLength(5);
    expect(await leftovers(id)).toEqual({ containers: 5, networks: 1, volumes: 6 });

    // Verify: every published port answers (HTTP where the kit says the port is a web UI).
    const verify = await job('stack.verify', first.verify[0]?.params);
    expect(verify.status).toBe('succeeded');
    expect(verify.result.checks).toHaveLength(ports.length);
    expect(verify.result.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(verify.result.checks.find((c: { service: string }) => c.service === 'dockge')).toMatchObject({
      kind: 'http',
      status: 200,
    });

    // Now the ports are held by the stack's own containers: still passed.
    const again = await job('node.prechecks', { ports: ports.slice(0, 2), stack: id });
    expect(again.result.checks.slice(3).map((c: { status: string; message: string }) => c.message)).toEqual([
      `port ${ports[0]} is held by this stack's container ${id}-traefik`,
      `port ${ports[1]} is held by this stack's container ${id}-traefik`,
    ]);

    // Redelivery or a repeated job: same end state, nothing recreated.
    const repeat = await job('stack.converge', params);
    expect(repeat.result.changes).toEqual({ create: 0, update: 0, remove: 0, unchanged: 5 });
    expect(repeat.result.services.map((s: { container_id: string }) => s.container_id)).toEqual(
      deployed.result.services.map((s: { container_id: string }) => s.container_id),
    );

    // A changed spec: dockge gets a new environment variable, netdata is switched off.
    const changed = await homelab({
      name: id,
      variant: 'minimal',
      image: TEST_IMAGE,
      hostPorts: first.hostPorts,
      customise: { dockge: '    environment: { DOCKGE_EXTRA: "1" }', netdata: false },
    });
    const ids = Object.fromEntries(
      deployed.result.services.map((s: { service: string; container_id: string }) => [
        s.service,
        s.container_id,
      ]),
    );
    const preview = await job('stack.converge', { ...changed.job.params, dry_run: true });
    expect(preview.result.changes).toEqual({ create: 0, update: 1, remove: 1, unchanged: 3 });
    expect((await docker.getContainer(`${id}-netdata`).inspect()).Id).toBe(ids.netdata);

    const converged = await job('stack.converge', changed.job.params);
    expect(converged.status).toBe('succeeded');
    const actions = converged.result.services.map(
      (s: { service: string; action: string; reason?: string }) => [s.service, s.action, s.reason],
    );
    expect(actions).toEqual([
      ['traefik', 'unchanged', undefined],
      ['dockge', 'update', 'environment changed'],
      ['portainer', 'unchanged', undefined],
      ['dozzle', 'unchanged', undefined],
      ['netdata', 'remove', 'no longer in the stack'],
    ]);
    const dockge = await docker.getContainer(`${id}-dockge`).inspect();
    expect(dockge.Id).not.toBe(ids.dockge);
    expect(dockge.Config.Env).toContain('DOCKGE_EXTRA=1');
    expect((await docker.getContainer(`${id}-traefik`).inspect()).Id).toBe(ids.traefik);
    await expect(docker.getContainer(`${id}-netdata`).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // Destroy: containers and networks go; volumes only when asked; a second remove is a no-op.
    const removed = await job('stack.remove', { stack: id });
    expect(removed.result).toEqual({ removed: { containers: 4, networks: 1, volumes: 0 } });
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0, volumes: 6 });
    const withVolumes = await job('stack.remove', { stack: id, node: 'local', volumes: true });
    expect(withVolumes.result).toEqual({ removed: { containers: 0, networks: 0, volumes: 6 } });
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('deploys base-homelab default (its secret env fetched from the store by the agent) and removes it', async () => {
    const id = stackId('def');
    const { job: nodeJob, verify } = await homelab({ name: id, variant: 'default', image: TEST_IMAGE });
    expect(nodeJob.params.services.find((s: any) => s.service === 'postgres')?.secret_env).toEqual({
      POSTGRES_PASSWORD: 'postgres/password',
    });
    expect(nodeJob.unsupported).toEqual([]);
    const put = await stack.api('/v1/orchestrator/secrets/postgres/password', {
      method: 'PUT',
      body: { value: `pw-${id}` },
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    const deployed = await job('stack.converge', nodeJob.params);
    expect(deployed.error).toBeNull();
    expect(
      deployed.result.services.map((s: { service: string; state: string }) => `${s.service}:${s.state}`),
    ).toEqual([
      'traefik:running',
      'dokploy:running',
      'uptime-kuma:running',
      'dozzle:running',
      'whoami:running',
      'postgres:running',
      'app:running',
    ]);
    const postgres = await docker.getContainer(`${id}-postgres`).inspect();
    expect(postgres.Config.Env).toEqual(expect.arrayContaining(['POSTGRES_DB=app', 'TZ=UTC']));
    expect(postgres.Mounts.find((m) => m.Destination === '/var/lib/postgresql/data')?.Name).toBe(
      `${id}-pg-data`,
    );

    const checked = await job('stack.verify', verify[0]?.params);
    expect(checked.status).toBe('succeeded');
    expect(checked.result.checks.find((c: { service: string }) => c.service === 'postgres')).toMatchObject({
      kind: 'tcp',
      ok: true,
    });

    const removed = await job('stack.remove', { stack: id, volumes: true });
    expect(removed.result).toEqual({ removed: { containers: 7, networks: 1, volumes: 4 } });
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('converges from what an interrupted attempt left behind, and refuses names it does not own', async () => {
    const id = stackId('partial');
    const sleeper = (service: string) => ({
      service,
      name: `${id}-${service}`,
      image: TEST_IMAGE,
      command: ['sleep', '3600'],
      restart: 'no',
      networks: [`${id}-net`],
    });
    const params = {
      stack: id,
      node: 'local',
      networks: [{ name: `${id}-net` }],
      services: [sleeper('a'), sleeper('b'), sleeper('c')],
      pull: 'always',
    };
    const first = await job('stack.converge', params);
    expect(first.status).toBe('succeeded');
    // No registry here: pull "always" falls back to the image on the node and says so.
    expect(first.log.map((l: { text: string }) => l.text).join('\n')).toContain(
      `could not pull ${TEST_IMAGE}`,
    );

    // As if an earlier attempt died half-way: one container missing, one stopped.
    await docker.getContainer(`${id}-b`).remove({ force: true });
    await docker.getContainer(`${id}-c`).stop({ t: 0 });
    const again = await job('stack.converge', params);
    expect(again.status).toBe('succeeded');
    expect(
      again.result.services.map((s: { service: string; action: string; state: string; reason?: string }) => [
        s.service,
        s.action,
        s.state,
        s.reason,
      ]),
    ).toEqual([
      ['a', 'unchanged', 'running', undefined],
      ['b', 'create', 'running', undefined],
      ['c', 'unchanged', 'running', 'was exited; started'],
    ]);

    // A name taken by a container kombify did not make: refused, and that container is untouched.
    const foreign = await docker.createContainer({
      name: `${id}-d`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '60'],
    });
    try {
      const refused = await job('stack.converge', {
        ...params,
        services: [...params.services, sleeper('d')],
      });
      expect(refused.status).toBe('failed');
      expect(refused.error.code).toBe('name_conflict');
      expect(refused.error.message).toBe(
        `container "${id}-d" already exists and does not belong to this stack on this node`,
      );
      expect((await foreign.inspect()).Config.Labels?.['kombify.stack']).toBeUndefined();
      expect(await leftovers(id)).toMatchObject({ containers: 3, networks: 1 });
    } finally {
      await foreign.remove({ force: true });
    }
    const removed = await job('stack.remove', { stack: id });
    expect(removed.result.removed).toEqual({ containers: 3, networks: 1, volumes: 0 });
  });

  it('fails verify clearly on a closed port, naming the check', async () => {
    const closed = await freePort();
    const failed = await job('stack.verify', {
      checks: [{ service: 'ghost', kind: 'http', port: closed, timeout_s: 2, interval_s: 0.5 }],
    });
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('verify_failed');
    expect(failed.error.message).toContain(`ghost http://127.0.0.1:${closed}/: ECONNREFUSED`);
    expect(failed.error.message).toMatch(/after \d+ attempts in 2s/);
  });

  it('fails clearly when an image is missing and cannot be pulled, creating nothing', async () => {
    const id = stackId('img');
    const image = `localhost:1/kombify/missing-${run}:never`;
    const failed = await job('stack.converge', {
      stack: id,
      node: 'local',
      networks: [{ name: `${id}-net` }],
      services: [{ service: 'web', name: `${id}-web`, image, networks: [`${id}-net`] }],
    });
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('image_unavailable');
    expect(failed.error.message).toContain(`image "${image}" is not on this node and could not be pulled`);
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('refuses invalid params at the edge with field paths, before anything is queued', async () => {
    const res = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerId,
        type: 'stack.converge',
        params: {
          stack: 'x',
          node: 'n',
          services: [{ service: 'a', name: 'a', image: 'i', networks: ['nope'] }],
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual({
      path: 'params.services[0].networks[0]',
      code: 'custom',
      message: 'network "nope" is not declared in networks',
    });
  });
});
