/** What the node's policy refuses before a job runs (issue 20, H2). */
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type LoadedPolicy, type Policy } from './policy.ts';
import { imageRepository, type PolicyJob, policyDenial } from './policy-check.ts';

const stacksDir = mkdtempSync(join(tmpdir(), 'stacks-'));
const places = { stacksDir };
const PATH = '/etc/kombify/policy.json';

function loaded(over: Partial<Policy> = {}): LoadedPolicy {
  return { ok: true, policy: { ...defaultPolicy, ...over }, path: PATH, source: 'file' };
}

function converge(mounts: unknown[], service = { service: 'app', image: 'nginx:1.27' }): PolicyJob {
  return {
    type: 'stack.converge',
    origin: 'stack',
    params: {
      stack: 'homelab',
      node: 'n1',
      services: [{ ...service, name: `homelab-${service.service}`, mounts }],
    },
  };
}

const bind = (source: string, target = '/mnt') => ({ type: 'bind', source, target });

describe('policyDenial with the default policy', () => {
  it('H2 lets the workflow jobs run', () => {
    for (const type of ['node.prechecks', 'stack.verify', 'stack.remove', 'node.facts'])
      expect(policyDenial(loaded(), { type, origin: 'stack', params: {} }, places)).toBeNull();
    expect(policyDenial(loaded(), { type: 'node.bootstrap', origin: 'edge', params: {} }, places)).toBeNull();
    expect(policyDenial(loaded(), converge([]), places)).toBeNull();
  });

  it('H2 refuses a raw job (sent to the jobs API, or with no origin) and says which field allows it', () => {
    for (const origin of ['api', '']) {
      const denied = policyDenial(loaded(), { type: 'node.facts', origin, params: {} }, places);
      expect(denied).toContain('raw jobs are off on this node');
      expect(denied).toContain(`"raw_jobs": true in ${PATH}`);
    }
    const allowed = loaded({ raw_jobs: true });
    expect(policyDenial(allowed, { type: 'node.facts', origin: 'api', params: {} }, places)).toBeNull();
    // Raw jobs on still means the listed types only.
    expect(policyDenial(allowed, { type: 'docker.run', origin: 'api', params: {} }, places)).toContain(
      `add "docker.run" to job_types in ${PATH}`,
    );
  });

  it('H2 refuses OpenTofu until the owner switches it on, even from a stack workflow', () => {
    for (const type of ['tofu.plan', 'tofu.apply']) {
      const denied = policyDenial(loaded(), { type, origin: 'stack', params: {} }, places);
      expect(denied).toContain('OpenTofu is off on this node');
      expect(denied).toContain(`"opentofu": true in ${PATH}`);
      expect(
        policyDenial(loaded({ opentofu: true }), { type, origin: 'stack', params: {} }, places),
      ).toBeNull();
    }
  });

  it('H2 refuses sim.* jobs on a node that is not a KombiSim host', () => {
    const denied = policyDenial(
      loaded(),
      { type: 'sim.node.create', origin: 'simulation', params: {} },
      places,
    );
    expect(denied).toContain('add "sim.node.create" to job_types');
  });

  it('H2 refuses a bind mount of / and of the Docker socket for a service the policy does not name', () => {
    const root = policyDenial(loaded(), converge([bind('/')]), places);
    expect(root).toContain('may not bind-mount /');
    expect(root).toContain('Docker socket');
    for (const sock of ['/var/run/docker.sock', '/run/docker.sock']) {
      const denied = policyDenial(loaded(), converge([bind(sock, '/var/run/docker.sock')]), places);
      expect(denied).toContain('service app (nginx:1.27) may not bind-mount');
      expect(denied).toContain(`bind_mounts.docker_socket of ${PATH}`);
    }
    // A directory holding the socket is the socket too.
    expect(policyDenial(loaded(), converge([bind('/var/run')]), places)).toContain('Docker socket');
  });

  it('H2 gives the socket to a named kit service only with its own image', () => {
    const traefik = { service: 'traefik', image: 'traefik:v3.1' };
    expect(policyDenial(loaded(), converge([bind('/var/run/docker.sock')], traefik), places)).toBeNull();
    expect(
      policyDenial(
        loaded(),
        converge([bind('/var/run/docker.sock')], { service: 'traefik', image: 'evil/traefik' }),
        places,
      ),
    ).toContain('may not bind-mount /var/run/docker.sock');
    // The socket allowed is not a licence for the directories around it.
    expect(policyDenial(loaded(), converge([bind('/')], traefik), places)).toContain(
      "only the stack's own directory",
    );
  });

  it("H2 accepts the stack's own directory and the allowed prefixes, nothing beside them", () => {
    expect(policyDenial(loaded(), converge([bind(join(stacksDir, 'homelab', 'data'))]), places)).toBeNull();
    const other = policyDenial(loaded(), converge([bind(join(stacksDir, 'other-stack'))]), places);
    expect(other).toContain("only the stack's own directory");
    expect(other).toContain(`bind_mounts.allowed_prefixes of ${PATH}`);
    expect(policyDenial(loaded(), converge([bind('/srv/media')]), places)).toContain('/srv/media');
    expect(policyDenial(loaded(), converge([bind('/etc/hostname')]), places)).not.toBeNull();

    const srv = loaded({ bind_mounts: { ...defaultPolicy.bind_mounts, allowed_prefixes: ['/srv'] } });
    expect(policyDenial(srv, converge([bind('/srv/media')]), places)).toBeNull();
    expect(policyDenial(srv, converge([bind('/srv')]), places)).toBeNull();
    expect(policyDenial(srv, converge([bind('/srvx')]), places)).not.toBeNull();
    expect(policyDenial(srv, converge([bind('/srv/../etc')]), places)).toContain('/srv/../etc (/etc)');
    // A tmpfs mount is no host path.
    expect(policyDenial(loaded(), converge([{ type: 'tmpfs', target: '/x' }]), places)).toBeNull();
  });

  it('H2 follows symbolic links: a link in the stack directory to / is /', () => {
    const dir = join(stacksDir, 'homelab');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/', join(dir, 'escape'));
    const denied = policyDenial(loaded(), converge([bind(join(dir, 'escape'))]), places);
    expect(denied).toContain('(/)');
  });

  it('H2 refuses every job when the policy file is not valid', () => {
    const bad: LoadedPolicy = { ok: false, path: PATH, error: `${PATH} is not a valid policy: raw_jobs: …` };
    const denied = policyDenial(bad, { type: 'node.facts', origin: 'stack', params: {} }, places);
    expect(denied).toContain("this node's policy is not valid, so it runs no jobs");
    expect(denied).toContain('raw_jobs');
  });
});

describe('imageRepository', () => {
  it('drops tags, digests and Docker Hub prefixes, keeps registries with ports', () => {
    expect(imageRepository('traefik:v3.1')).toBe('traefik');
    expect(imageRepository('docker.io/library/traefik')).toBe('traefik');
    expect(imageRepository('ghcr.io/coollabsio/coolify:latest@sha256:abc')).toBe(
      'ghcr.io/coollabsio/coolify',
    );
    expect(imageRepository('registry.local:5000/app')).toBe('registry.local:5000/app');
  });
});

describe('policyDenial of a swarm', () => {
  const swarmServices = (
    mounts: unknown[],
    service = { service: 'app', image: 'nginx:1.27' },
  ): PolicyJob => ({
    type: 'swarm.services',
    origin: 'stack',
    params: {
      stack: 'homelab',
      members: [{ node: 'm1', role: 'manager' }],
      services: [
        {
          ...service,
          name: `homelab-${service.service}`,
          mode: 'replicated',
          mounts,
          update: {
            parallelism: 1,
            delay_s: 1,
            failure_action: 'rollback',
            order: 'start-first',
            monitor_s: 5,
          },
        },
      ],
    },
  });

  it('lets a stack workflow form and run a swarm', () => {
    for (const type of ['swarm.init', 'swarm.join', 'swarm.verify', 'swarm.remove', 'swarm.leave'])
      expect(policyDenial(loaded(), { type, origin: 'stack', params: {} }, places)).toBeNull();
    expect(policyDenial(loaded(), { type: 'swarm.status', origin: 'edge', params: {} }, places)).toBeNull();
    expect(policyDenial(loaded(), swarmServices([]), places)).toBeNull();
  });

  it('judges a Swarm service’s bind mounts like a container’s: no / and no socket but for its kit service', () => {
    expect(policyDenial(loaded(), swarmServices([bind('/')]), places)).toContain('may not bind-mount /');
    expect(policyDenial(loaded(), swarmServices([bind('/var/run/docker.sock')]), places)).toContain(
      'Docker socket',
    );
    expect(
      policyDenial(
        loaded(),
        swarmServices([bind('/var/run/docker.sock')], { service: 'traefik', image: 'traefik:v3.1' }),
        places,
      ),
    ).toBeNull();
  });
});
