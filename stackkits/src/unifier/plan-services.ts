/**
 * One model service → plan containers (one per node it runs on) or one Swarm service. Maps are
 * written with sorted keys so the plan does not depend on the order fields were declared in.
 */
import {
  containerName,
  rollingUpdate,
  routeLabels,
  swarmRestart,
  volumeName,
} from '../../platforms/docker/index.ts';
import type { Spec } from '../spec/defaults.ts';
import type { FileSpec } from '../spec/schema.ts';
import type { ModelService } from './model-types.ts';
import type { PlanContainer, PlanFile, PlanLogging, PlanMount, PlanRoute, PlanSwarmService } from './plan.ts';

export function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) {
    Object.defineProperty(out, key, {
      value: record[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function logging(spec: Spec): PlanLogging {
  return {
    driver: 'json-file',
    options: {
      'max-file': String(spec.observability.logs.maxFiles),
      'max-size': spec.observability.logs.maxSize,
    },
  };
}

export function kombifyLabels(spec: Spec, service: string): Record<string, string> {
  return { 'kombify.managed': 'true', 'kombify.service': service, 'kombify.stack': spec.name };
}

function mounts(s: ModelService, spec: Spec): PlanMount[] {
  return s.volumes.map((v) => ({
    type: v.type,
    source: v.type === 'volume' ? volumeName(spec.name, v.name) : v.type === 'bind' ? v.source : null,
    target: v.target,
    readOnly: v.readOnly,
  }));
}

function environment(s: ModelService, spec: Spec): Record<string, string> {
  // Containers follow the stack's time zone unless the service sets TZ itself.
  return sorted({ TZ: spec.system.timezone, ...s.env });
}

function planFile(f: FileSpec): PlanFile {
  return { path: f.path, content: f.content ?? '', secret: f.secret ?? null };
}

export interface ServiceInputs {
  spec: Spec;
  network: string;
  image: string;
  command: string[] | null;
  route: PlanRoute | null;
  files: PlanFile[];
}

export function toContainer(s: ModelService, node: string | null, o: ServiceInputs): PlanContainer {
  const labels = {
    ...s.labels,
    ...kombifyLabels(o.spec, s.name),
    ...(o.route?.upstream.kind === 'labels' ? routeLabels(o.route) : {}),
  };
  return {
    name: containerName(o.spec.name, s.name, node ?? undefined),
    service: s.name,
    image: o.image,
    command: o.command,
    entrypoint: s.entrypoint,
    user: s.user,
    ports: s.ports.map((p) => ({
      container: p.container,
      host: p.host,
      protocol: p.protocol,
      hostIp: p.hostIp,
    })),
    volumes: mounts(s, o.spec),
    env: environment(s, o.spec),
    secrets: sorted(s.secrets),
    labels: sorted(labels),
    restart: s.restart,
    healthcheck: s.healthcheck,
    networks: [o.network],
    aliases: [...s.aliases],
    resources: s.resources,
    needs: [...s.needs],
    files: [...o.files, ...s.files.map(planFile)],
    logging: logging(o.spec),
  };
}

export function toSwarmService(s: ModelService, o: ServiceInputs): PlanSwarmService {
  const p = s.placement;
  if (p.kind !== 'swarm') throw new Error(`${s.name} is not a Swarm service`);
  return {
    name: containerName(o.spec.name, s.name),
    service: s.name,
    image: o.image,
    command: o.command,
    entrypoint: s.entrypoint,
    user: s.user,
    mode: p.mode,
    replicas: p.mode === 'replicated' ? p.replicas : null,
    constraints: [...p.constraints],
    ports: s.ports
      .filter((x) => x.host !== null)
      .map((x) => ({
        container: x.container,
        host: x.host,
        protocol: x.protocol,
        hostIp: null,
        publishMode: s.publishMode,
      })),
    mounts: mounts(s, o.spec),
    env: environment(s, o.spec),
    secrets: sorted(s.secrets),
    labels: sorted(o.route?.upstream.kind === 'labels' ? routeLabels(o.route) : {}),
    containerLabels: sorted({ ...s.labels, ...kombifyLabels(o.spec, s.name) }),
    restart: swarmRestart(s.restart),
    healthcheck: s.healthcheck,
    networks: [o.network],
    aliases: [...s.aliases],
    resources: s.resources,
    needs: [...s.needs],
    update: s.update ?? rollingUpdate,
    logging: logging(o.spec),
  };
}
