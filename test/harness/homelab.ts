/**
 * base-homelab deployments for tests and benchmarks on a shared Docker host: the kit's real plan
 * (services, names, volumes, networks, labels, restart policies, dependency order), customised the
 * way a user customises a kit service in kombination.yaml — every service runs the local busybox
 * image serving HTTP with `httpd` on its container ports, published on free host ports, and the
 * kit's health checks become quick wget checks.
 */
import { freePort } from '../../scripts/lib/ports.ts';

/** A free port not handed out already: the OS may offer a just-closed port again, and one spec must not publish it twice. */
async function unusedPort(taken: ReadonlySet<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) return port;
  }
}

import {
  type ConvergeJob,
  type Plan,
  parseSpec,
  resolve,
  toConvergeJobs,
  toVerifyChecks,
} from '../../stackkits/src/index.ts';

export type HomelabVariant = 'minimal' | 'default';

export interface HomelabOptions {
  /** Spec name: container, network and volume names start with it; unique per test. */
  name: string;
  variant: HomelabVariant;
  image: string;
  /** The stack id the agent labels with (default the name). */
  stack?: string;
  /** Host port per `<service>:<container port>`; missing ones get a free port. */
  hostPorts?: Map<string, number>;
  /** Extra YAML lines per service (e.g. `environment: { A: "1" }`), or false to disable it. */
  customise?: Record<string, string | false>;
  /**
   * Services that run a real image (service → image) with their own command and health check
   * instead of the busybox stand-in; only their host ports are chosen here.
   */
  real?: Record<string, string>;
}

export interface Homelab {
  /** The kombination.yaml text and the image overrides the plan was resolved with. */
  spec: string;
  images: Record<string, string>;
  plan: Plan;
  job: ConvergeJob;
  verify: ReturnType<typeof toVerifyChecks>;
  hostPorts: Map<string, number>;
}

/** The base-homelab `default` example's own services (examples/base-homelab-default.yaml). */
const defaultUserServices = (image: string) => [
  `  - name: postgres
    type: database
    image: ${image}
    volumes:
      - name: pg-data
        mountPath: /var/lib/postgresql/data
    ports: [{ container: 5432, host: 5432 }]
    environment:
      POSTGRES_DB: app
    environmentSecrets:
      POSTGRES_PASSWORD: secret://postgres/password`,
  `  - name: app
    image: ${image}
    needs: [postgres]
    ports: [{ container: 8080, host: 8081 }]`,
];

/** Serves HTTP on every port: all but the last httpd daemonise, the last runs in the foreground. */
export function httpdCommand(ports: readonly number[]): string[] {
  const serve = ports.map((p, i) => `httpd ${i === ports.length - 1 ? '-f ' : ''}-p ${p} -h /www`);
  return ['sh', '-c', `mkdir -p /www && echo ok > /www/index.html && ${serve.join(' && ')}`];
}

function specText(o: HomelabOptions, services: string[]): string {
  return [
    `name: ${o.name}`,
    'kit: base-homelab',
    `variant: ${o.variant}`,
    'nodes:',
    '  - name: local',
    '    type: main',
    '    resources: { cpu: 4, memory: 8Gi, disk: 100Gi }',
    ...(services.length > 0 ? ['services:', ...services] : []),
    '',
  ].join('\n');
}

function planOf(text: string, images?: Record<string, string>): Plan {
  const { spec, errors } = parseSpec(text);
  if (!spec) throw new Error(`invalid test spec: ${JSON.stringify(errors)}\n${text}`);
  return resolve(spec, images ? { images } : {});
}

export async function homelab(o: HomelabOptions): Promise<Homelab> {
  const user = o.variant === 'default' ? defaultUserServices(o.image) : [];
  // The kit's own plan first: which services run and on which container ports.
  const kit = planOf(specText(o, user));
  const hostPorts = new Map(o.hostPorts ?? []);
  const services: string[] = [];
  const images: Record<string, string> = {};
  for (const c of kit.nodes.flatMap((n) => n.containers)) {
    const real = o.real?.[c.service];
    images[c.service] = real ?? o.image;
    const extra = o.customise?.[c.service];
    if (extra === false) {
      services.push(`  - name: ${c.service}\n    enabled: false`);
      continue;
    }
    const ports = c.ports.map((p) => p.container);
    const published: string[] = [];
    for (const p of c.ports) {
      const key = `${c.service}:${p.container}`;
      const host = hostPorts.get(key) ?? (await unusedPort(new Set(hostPorts.values())));
      hostPorts.set(key, host);
      published.push(`{ container: ${p.container}, host: ${host} }`);
    }
    const lines = [`  - name: ${c.service}`];
    const declared = user.find((u) => u.startsWith(`  - name: ${c.service}\n`));
    // A user service of the example keeps its own settings; only its ports are ours.
    if (declared) lines[0] = declared.replace(/\n {4}ports: .*/, '');
    if (!real) lines.push(`    command: ${JSON.stringify(httpdCommand(ports.length > 0 ? ports : [8080]))}`);
    if (published.length > 0) lines.push(`    ports: [${published.join(', ')}]`);
    if (c.healthcheck && !real) {
      const probe = `wget -q -O /dev/null http://127.0.0.1:${ports[ports.length - 1] ?? 8080}/`;
      lines.push(
        `    healthCheck: { command: ["CMD-SHELL", "${probe}"], interval: 1s, timeout: 2s, retries: 20, startPeriod: 0s }`,
      );
    }
    if (extra) lines.push(extra);
    services.push(lines.join('\n'));
  }
  const spec = specText(o, services);
  const plan = planOf(spec, images);
  const [job] = toConvergeJobs(plan, o.stack ? { stack: o.stack } : {});
  if (!job) throw new Error('the homelab plan has no node with containers');
  return { spec, images, plan, job, verify: toVerifyChecks(plan, { timeout_s: 20 }), hostPorts };
}
