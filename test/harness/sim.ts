/**
 * KombiSim test helpers: the node and registry mirror images (built locally, see
 * scripts/lib/sim-image.ts), images pushed into the mirror (where nodes' engines pull them), each
 * node's root password (shown once), real SSH clients (the ssh2 library and OpenSSH's `ssh`), and
 * cleanup of the node containers tests made.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { Client } from 'ssh2';
import { buildRegistryImage, buildSimImage } from '../../scripts/lib/sim-image.ts';
import { pushToMirror } from '../../scripts/lib/sim-registry.ts';
import { TEST_IMAGE } from './docker.ts';
import { poll, type Stack, startStack } from './stack.ts';

const run = promisify(execFile);

export const SIM_IMAGE = process.env.KOMBIFY_SIM_IMAGE ?? 'kombify/sim-node:test';

const say = (line: string) => process.stdout.write(`[sim:image] ${line}\n`);

/** The node image (built when the agent changed) and the registry mirror's image. */
export async function requireSimImage(image = SIM_IMAGE): Promise<string> {
  await buildRegistryImage({ progress: say });
  return buildSimImage({ image, progress: say });
}

/** Puts local images into the host's registry mirror under the same names (nodes pull them). */
export async function pushImages(images: string[]): Promise<void> {
  await pushToMirror(images, { progress: say });
}

/**
 * A stack for KombiSim suites: the node image (a suite's own tag, so suites running side by side
 * do not rebuild each other's), the test image in the mirror, a real PostgreSQL when the run has
 * one, the suite's own SSH port pool, and a host agent online to run the nodes.
 */
export async function startSimStack(opts: {
  host: string;
  image?: string;
  sshPorts: number;
  sshFirst?: number;
}): Promise<Stack> {
  const image = opts.image ?? SIM_IMAGE;
  await requireSimImage(image);
  // What the tests deploy comes from the mirror, under its own name.
  await pushImages([TEST_IMAGE]);
  const stack = await startStack({
    postgresUrl: process.env.KOMBIFY_TEST_POSTGRES_URL,
    vars: {
      SIM_NODE_IMAGE: image,
      SIM_SSH_PORTS: String(opts.sshPorts),
      ...(opts.sshFirst !== undefined ? { SIM_SSH_PORT_FIRST: String(opts.sshFirst) } : {}),
    },
  });
  await stack.onlineAgent(opts.host);
  return stack;
}

/** A node's root password: the SSH details show it once, to an operator. */
export async function nodePassword(
  stack: { api(path: string): Promise<{ status: number; body: any }> },
  nodeId: string,
): Promise<string> {
  const res = await stack.api(`/api/v1/nodes/${nodeId}/ssh`);
  if (res.status !== 200 || typeof res.body.password !== 'string')
    throw new Error(`no password for ${nodeId}: ${JSON.stringify(res.body)}`);
  return res.body.password;
}

/** Runs one command over SSH with the ssh2 client (password or private key). */
export function ssh2Exec(
  opts: { port: number; host?: string; password?: string; privateKey?: string },
  command: string,
): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`ssh2 to port ${opts.port} timed out`));
    }, 20_000);
    client
      .on('ready', () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', () => {});
          stream.on('close', (code: number | null) => {
            clearTimeout(timer);
            client.end();
            resolve({ stdout, code });
          });
        });
      })
      .on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      })
      .connect({
        host: opts.host ?? '127.0.0.1',
        port: opts.port,
        username: 'root',
        ...(opts.password ? { password: opts.password } : {}),
        ...(opts.privateKey ? { privateKey: opts.privateKey } : {}),
        readyTimeout: 15_000,
      });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'kombify-sim-ssh-'));

/** An ed25519 key pair made with OpenSSH's ssh-keygen. */
export async function makeKeyPair(): Promise<{ privatePath: string; publicKey: string }> {
  const path = join(scratch, `id_${Math.random().toString(36).slice(2, 8)}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kombisim-test', '-f', path]);
  const { readFile } = await import('node:fs/promises');
  return { privatePath: path, publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
}

const baseOptions = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
  '-o',
  'ConnectTimeout=15',
];

/**
 * OpenSSH's `ssh` with a password: no sshpass here, so SSH_ASKPASS (forced, OpenSSH ≥ 8.4) answers
 * the password prompt from a script.
 */
export async function opensshWithPassword(port: number, password: string, command: string): Promise<string> {
  const askpass = join(scratch, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${password.replaceAll("'", "'\\''")}'\n`);
  chmodSync(askpass, 0o700);
  const { stdout } = await run(
    'ssh',
    [
      ...baseOptions,
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-p',
      String(port),
      'root@127.0.0.1',
      command,
    ],
    {
      env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'none' },
      timeout: 30_000,
    },
  );
  return stdout;
}

export async function opensshWithKey(port: number, privatePath: string, command: string): Promise<string> {
  const { stdout } = await run(
    'ssh',
    [
      ...baseOptions,
      '-o',
      'BatchMode=yes',
      '-o',
      'PreferredAuthentications=publickey',
      '-i',
      privatePath,
      '-p',
      String(port),
      'root@127.0.0.1',
      command,
    ],
    { timeout: 30_000 },
  );
  return stdout;
}

/** Node containers of one simulation on the engine (by the simulation's label). */
export async function containersOfSimulation(docker: Docker, simulationId: string) {
  return docker.listContainers({ all: true, filters: { label: [`kombify.simulation=${simulationId}`] } });
}

/** Removes what a test's simulations left (only kombisim-… containers and networks of these ids). */
export async function removeSimulations(docker: Docker, simulationIds: Iterable<string>): Promise<void> {
  for (const id of simulationIds) {
    for (const c of await containersOfSimulation(docker, id)) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {});
    }
    const filters = { label: [`kombify.simulation=${id}`] };
    for (const n of await docker.listNetworks({ filters })) {
      await docker
        .getNetwork(n.Id)
        .disconnect({ Container: 'kombisim-registry', Force: true })
        .catch(() => {});
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => {});
    }
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => {});
  }
}

/** Starts a stack action (`/v1/orchestrator/stacks/{id}/provision` …) and waits for the run's end. */
export async function runWorkflow(
  stack: { api(path: string, init?: { body?: unknown }): Promise<{ status: number; body: any }> },
  path: string,
  body: unknown,
  timeoutMs = 300_000,
): Promise<any> {
  const started = await stack.api(path, { body });
  if (started.status !== 202)
    throw new Error(`${path} answered ${started.status}: ${JSON.stringify(started.body)}`);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed', 'cancelled'].includes(wf?.status) ? wf : null;
    },
    timeoutMs,
    `${path} to finish`,
  );
}

/** A shell command inside a simulated node's container (its own engine answers its docker CLI). */
export async function execInNode(container: string, command: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', container, 'sh', '-c', command], { maxBuffer: 1 << 20 });
  return stdout.trim();
}

/** Waits until `count` workers of the simulation are online; returns them. */
export async function onlineWorkers(
  stack: { api(path: string): Promise<{ status: number; body: any }> },
  simulationId: string,
  count: number,
  timeoutMs = 180_000,
): Promise<any[]> {
  return poll(
    async () => {
      const workers = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[];
      const online = workers.filter((w) => w.simulation_id === simulationId && w.status === 'online');
      return online.length >= count ? online : null;
    },
    timeoutMs,
    `${count} worker(s) of simulation ${simulationId} online`,
  );
}
