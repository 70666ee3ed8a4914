/**
 * What the deploy benchmark deploys, and its floor: the same containers made directly with
 * dockerode (files placed and secret env set as the agent would, health checks waited for).
 *
 *   minimal      base-homelab `minimal`, every service on the busybox stand-in (5 containers)
 *   default      base-homelab `default` with the real PostgreSQL (Debian's postgresql-15 image) and
 *                kombify's echo app, the database password a secret from the store (issue 16),
 *                the kit's other services on the stand-in (7 containers)
 *   default-env  the same with the password as a plain env value: against `default`, the cost of
 *                secret delivery (FetchJobSecrets + injection) per converge job
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackConvergeParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { containerOptions } from '../agent/src/executors/converge/container-options.ts';
import { placeFiles } from '../agent/src/executors/converge/files.ts';
import { healthWaitMs, waitForHealth } from '../agent/src/executors/converge/health.ts';
import { stackLabels } from '../agent/src/executors/converge/labels.ts';
import { containerSpecHash } from '../agent/src/executors/converge/spec-hash.ts';
import { parseSpec, resolve, toConvergeJobs } from '../stackkits/src/index.ts';
import { TEST_IMAGE } from '../test/harness/docker.ts';
import { type Homelab, homelab } from '../test/harness/homelab.ts';

export const PG_IMAGE = 'kombify/svc-postgres:debian';
export const APP_IMAGE = 'kombify/svc-echo-app:node';
export const SECRET_PATH = 'postgres/password';

export interface Lab {
  name: 'minimal' | 'default' | 'default-env';
  homelab: Homelab;
  /** Secret values the floor sets directly (path → value); the workflow path reads the store. */
  secrets: Record<string, string>;
}

const pgHealth =
  '    healthCheck: { command: ["CMD-SHELL", "pg_isready -q -h 127.0.0.1 -U postgres"], interval: 1s, timeout: 2s, retries: 60, startPeriod: 0s }';

export async function makeLab(name: Lab['name'], id: string, password: string): Promise<Lab> {
  if (name === 'minimal') {
    return { name, homelab: await homelab({ name: id, variant: 'minimal', image: TEST_IMAGE }), secrets: {} };
  }
  const lab = await homelab({
    name: id,
    variant: 'default',
    image: TEST_IMAGE,
    real: { postgres: PG_IMAGE, app: APP_IMAGE },
    customise: {
      postgres: pgHealth,
      app: [
        `    environment: { PGHOST: ${id}-postgres, PGUSER: postgres, PGDATABASE: app }`,
        '    environmentSecrets: { PGPASSWORD: secret://postgres/password }',
      ].join('\n'),
    },
  });
  if (name === 'default') return { name, homelab: lab, secrets: { [SECRET_PATH]: password } };
  // The same spec with the password as plain env values: no secret references at all.
  const spec = lab.spec
    .replace(
      /\n {4}environmentSecrets:\n {6}POSTGRES_PASSWORD: secret:\/\/postgres\/password/,
      `\n      POSTGRES_PASSWORD: "${password}"`,
    )
    .replace(
      /PGDATABASE: app }\n {4}environmentSecrets: \{ PGPASSWORD: secret:\/\/postgres\/password \}/,
      `PGDATABASE: app, PGPASSWORD: "${password}" }`,
    );
  const parsed = parseSpec(spec);
  if (!parsed.spec) throw new Error(`default-env spec: ${JSON.stringify(parsed.errors)}`);
  const plan = resolve(parsed.spec, { images: lab.images });
  const [job] = toConvergeJobs(plan);
  if (!job || job.params.secrets.length > 0) throw new Error('default-env still references secrets');
  return { name, homelab: { ...lab, spec, plan, job }, secrets: {} };
}

/** The floor: the same objects made directly, one after another, files and secrets placed. */
export async function deployDirectly(docker: Docker, params: StackConvergeParams, lab: Lab): Promise<void> {
  const labels = stackLabels(params.stack, params.node);
  const dirs = {
    stacks: mkdtempSync(join(tmpdir(), 'bench-files-')),
    secrets: mkdtempSync('/dev/shm/bench-'),
  };
  for (const n of params.networks)
    await docker.createNetwork({ Name: n.name, Driver: 'bridge', Labels: labels });
  await Promise.all(params.volumes.map((v) => docker.createVolume({ Name: v.name, Labels: labels })));
  for (const s of params.services) {
    const secretEnv = Object.entries(s.secret_env ?? {}).map(([k, p]) => `${k}=${lab.secrets[p] ?? ''}`);
    const fileBinds = placeFiles(dirs, params.stack, s, lab.secrets);
    const container = await docker.createContainer(
      containerOptions(params.stack, params.node, s, containerSpecHash(s, params.networks), {
        secretEnv,
        fileBinds,
      }),
    );
    await container.start();
    if (s.healthcheck) {
      const info = await waitForHealth(
        docker,
        container.id,
        healthWaitMs(s.healthcheck),
        new AbortController().signal,
      );
      if (info.State.Health?.Status !== 'healthy') throw new Error(`${s.name} did not become healthy`);
    }
  }
}

export async function removeStack(docker: Docker, id: string): Promise<void> {
  const filters = { label: [`kombify.stack=${id}`] };
  await Promise.all(
    (await docker.listContainers({ all: true, filters })).map((c) =>
      docker.getContainer(c.Id).remove({ force: true }),
    ),
  );
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  await Promise.all(
    ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => docker.getVolume(v.Name).remove()),
  );
}
