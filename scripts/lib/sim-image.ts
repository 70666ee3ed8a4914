/**
 * The KombiSim node image, built locally from Debian's packages (no registry needed):
 *
 *   1. the Debian base of the installer tests (scripts/build-debian-image.sh: debootstrap, reused);
 *   2. `kombify/sim-base:<node version>-b<base version>`: + openssh-server, iproute2 (tc netem),
 *      procps, Debian's `docker.io` (each node runs its own engine), nftables, unattended-upgrades,
 *      tzdata (node.bootstrap's steps) and the Node runtime the agent ships with —
 *      apt-get in a container on the host's network, then `docker commit` (~25 s, once per machine);
 *   3. the node image (`kombify/sim-node:<agent version>` by default): + the agent bundle, sshd
 *      config and the init script (scripts/sim-image/), labelled with the bundle's SHA-256 so a
 *      changed agent rebuilds only this thin layer (~2 s).
 *
 * And the registry mirror the host runs for its simulations (`kombify/sim-registry:latest`): Debian's
 * `docker-registry` (distribution 2.8) with scripts/sim-image/registry.yml (no auth), see
 * buildRegistryImage.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unrestrictedPolicy } from '../../agent/src/policy/policy.ts';
import { agentPackageVersion, bundleAgent, runtimeNodeVersion, sha256File } from './agent-build.ts';
import { repoRoot } from './service.ts';

const run = promisify(execFile);

export const defaultSimImage = () => `kombify/sim-node:${agentPackageVersion()}`;
const AGENT_LABEL = 'kombify.sim.agent-sha256';
/**
 * Bumped when the base's packages change. It is part of the base's tag too, so branches with
 * different package lists on one machine do not rebuild each other's base back and forth.
 */
const BASE_VERSION = '3';
export const defaultRegistryImage = 'kombify/sim-registry:latest';
const REGISTRY_LABEL = 'kombify.sim.registry';
const REGISTRY_VERSION = '1';

async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

async function imageLabel(image: string, label: string): Promise<string | null> {
  try {
    return await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, image]);
  } catch {
    return null;
  }
}

/**
 * An image made from the Debian image of the installer tests: Debian packages installed with
 * apt-get in a container on the host's network, `files` copied in, then `docker commit` with the
 * given changes (labels, entrypoint, …).
 */
export async function aptImage(opts: {
  image: string;
  packages: string[];
  /** Shell run after the install (clean-ups). */
  after?: string;
  files?: [from: string, to: string][];
  changes: string[];
}): Promise<void> {
  const debian = process.env.KOMBIFY_DEBIAN_IMAGE ?? 'kombify/debian-node:test';
  await run('sh', [join(repoRoot, 'scripts/build-debian-image.sh')], {
    env: { ...process.env, KOMBIFY_DEBIAN_IMAGE: debian },
  });
  const name = `kombify-apt-build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const install =
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ' +
      `${opts.packages.join(' ')} >/dev/null && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin` +
      (opts.after ? ` && ${opts.after}` : '');
    await docker(['run', '--name', name, '--network', 'host', debian, 'sh', '-c', install]);
    for (const [from, to] of opts.files ?? []) await docker(['cp', from, `${name}:${to}`]);
    await docker(['commit', ...opts.changes.flatMap((c) => ['--change', c]), name, opts.image]);
  } finally {
    await docker(['rm', '-f', name]).catch(() => {});
  }
}

async function ensureBase(say: (line: string) => void): Promise<string> {
  const base = `kombify/sim-base:${runtimeNodeVersion()}-b${BASE_VERSION}`;
  if ((await imageLabel(base, 'kombify.sim.base')) === BASE_VERSION) return base;
  say(`building ${base} (apt-get: openssh-server, iproute2, docker.io, nftables, …; ~30 s)`);
  await aptImage({
    image: base,
    // nftables, unattended-upgrades and tzdata: what node.bootstrap's firewall, packages and
    // timezone steps need on a real Debian server (tzdata is in minbase today; named so it stays).
    packages: [
      'openssh-server',
      'iproute2',
      'procps',
      'docker.io',
      'iptables',
      'nftables',
      'unattended-upgrades',
      'tzdata',
    ],
    after: 'rm -rf /etc/ssh/ssh_host_*',
    files: [[join(repoRoot, 'node_modules/node/bin/node'), '/usr/local/bin/node']],
    changes: [`LABEL kombify.sim.base=${BASE_VERSION}`],
  });
  return base;
}

/** Builds (or reuses) the node image; returns its name. */
export async function buildSimImage(
  opts: { image?: string; progress?: (line: string) => void } = {},
): Promise<string> {
  const image = opts.image ?? process.env.KOMBIFY_SIM_IMAGE ?? defaultSimImage();
  const say = opts.progress ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'kombify-sim-image-'));
  const name = `kombify-sim-node-build-${process.pid}`;
  try {
    mkdirSync(join(work, 'kombify'));
    const bundle = join(work, 'kombify/kombify-agent.mjs');
    await bundleAgent({ version: agentPackageVersion(), outfile: bundle });
    // The node agent's job policy (issue 20, H2): operators log in to a simulated node as root
    // over SSH, so a policy could not keep them from anything there; its agent runs every job.
    const policy = join(work, 'kombify/policy.json');
    writeFileSync(policy, `${JSON.stringify(unrestrictedPolicy(), null, 2)}\n`, { mode: 0o644 });
    // The node's files too: a changed init script, sshd config or policy rebuilds the thin layer.
    const here = join(repoRoot, 'scripts/sim-image');
    const parts = await Promise.all(
      [bundle, join(here, 'kombisim-init.sh'), join(here, 'sshd_config'), policy].map((f) => sha256File(f)),
    );
    const sha = createHash('sha256')
      .update(`${BASE_VERSION}:${parts.join(':')}`)
      .digest('hex');
    if ((await imageLabel(image, AGENT_LABEL)) === sha) {
      say(`${image} is current (agent ${sha.slice(0, 12)})`);
      return image;
    }
    const base = await ensureBase(say);
    say(`building ${image} on ${base}`);
    await docker(['create', '--name', name, base, 'true']);
    // A folder copied to a path that does not exist yet lands as that path: /opt/kombify.
    await docker(['cp', join(work, 'kombify'), `${name}:/opt/kombify`]);
    await docker(['cp', join(here, 'kombisim-init.sh'), `${name}:/usr/local/sbin/kombisim-init`]);
    await docker(['cp', join(here, 'sshd_config'), `${name}:/etc/ssh/sshd_config.d/kombisim.conf`]);
    await docker([
      'commit',
      '--change',
      `LABEL ${AGENT_LABEL}=${sha} kombify.sim.node=1`,
      '--change',
      'ENTRYPOINT ["/bin/sh", "/usr/local/sbin/kombisim-init"]',
      '--change',
      'CMD []',
      '--change',
      'EXPOSE 22',
      name,
      image,
    ]);
    say(`built ${image}`);
    return image;
  } finally {
    await docker(['rm', '-f', name]).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Builds (or reuses) the registry mirror image: the Debian image + `docker-registry`, with a config
 * without auth (the packaged one demands htpasswd), data in /var/lib/docker-registry (a volume).
 */
export async function buildRegistryImage(
  opts: { image?: string; progress?: (line: string) => void } = {},
): Promise<string> {
  const image = opts.image ?? defaultRegistryImage;
  const say = opts.progress ?? (() => {});
  if ((await imageLabel(image, REGISTRY_LABEL)) === REGISTRY_VERSION) {
    say(`${image} is current`);
    return image;
  }
  say(`building ${image} (apt-get: docker-registry; ~15 s)`);
  await aptImage({
    image,
    packages: ['docker-registry'],
    files: [[join(repoRoot, 'scripts/sim-image/registry.yml'), '/etc/docker/registry/config.yml']],
    changes: [
      `LABEL ${REGISTRY_LABEL}=${REGISTRY_VERSION}`,
      'ENTRYPOINT ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]',
      'CMD []',
      'EXPOSE 5000',
      'VOLUME /var/lib/docker-registry',
    ],
  });
  say(`built ${image}`);
  return image;
}

/**
 * `npm start`'s first need: the node image (its default name, what the edge's SIM_NODE_IMAGE is
 * set to) and the registry mirror's image, each built only when missing or out of date (~1 minute
 * the first time, a few seconds after). Never throws: a failure is the note to show.
 */
export async function ensureSimImages(
  progress: (line: string) => void,
): Promise<{ ok: true; node: string; registry: string; seconds: number } | { ok: false; error: string }> {
  const started = Date.now();
  try {
    const registry = await buildRegistryImage({ progress });
    const node = await buildSimImage({ image: defaultSimImage(), progress });
    return { ok: true, node, registry, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
