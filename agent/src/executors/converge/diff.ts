/**
 * The converge decision as a pure function: desired params + what Docker has now → the actions.
 * No Docker here, so every case is unit-tested; the executor only carries the actions out, and a
 * dry run returns them unapplied.
 */
import type { ConvergeService, StackConvergeParams } from '@kombify/proto/jobs';
import { changedParts, containerSpecHash, networkSpecHash } from './spec-hash.ts';

/** A container labelled with this stack and node. */
export interface ObservedContainer {
  id: string;
  name: string;
  service: string | undefined;
  specHash: string | undefined;
  specParts: string | undefined;
  /** Docker state: created, running, restarting, exited, paused, dead. */
  state: string;
  /** The image ID the container runs. */
  imageId: string;
}

export interface ObservedNetwork {
  id: string;
  name: string;
  specHash: string | undefined;
}

export interface Observed {
  containers: ObservedContainer[];
  networks: ObservedNetwork[];
  volumes: { name: string }[];
  /** Local image ID per desired image reference (absent when the image is not on the node). */
  imageIds: Record<string, string>;
  /** Desired names already used by objects that are not this stack's on this node. */
  foreign: { containers: string[]; networks: string[]; volumes: string[] };
}

export interface ServiceAction {
  service: string;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'remove';
  reason?: string;
  /** The container now there (update, unchanged, remove). */
  existing?: ObservedContainer;
  /** For create/update/unchanged. */
  spec?: ConvergeService;
  specHash?: string;
  specParts?: string;
  /** An unchanged container that is not running is started again. */
  start?: boolean;
}

export interface NetworkAction {
  name: string;
  action: 'create' | 'unchanged' | 'remove';
  reason?: string;
  internal?: boolean;
  /** The spec's subnet; absent = Docker picks a free one. */
  subnet?: string;
  specHash?: string;
  /** A network with an outdated spec, removed before its replacement is created. */
  replaces?: ObservedNetwork;
  existing?: ObservedNetwork;
}

export interface ConvergePlan {
  /** Desired services in the given order, then removals. */
  services: ServiceAction[];
  networks: NetworkAction[];
  volumes: { name: string; action: 'create' | 'unchanged' }[];
  /** Names that cannot be used because something else owns them; the job fails with these. */
  conflicts: string[];
  changes: { create: number; update: number; remove: number; unchanged: number };
}

const runningStates = new Set(['running', 'restarting']);

function describeChange(parts: string[]): string {
  const names: Record<string, string> = {
    command: 'command',
    env: 'environment',
    healthcheck: 'health check',
    secret_rev: 'secret value',
    secret_env: 'secret environment',
    files: 'files',
    logging: 'log options',
    resources: 'resource limits',
  };
  return `${parts.map((p) => names[p] ?? p).join(', ')} changed`;
}

export function planConverge(params: StackConvergeParams, observed: Observed): ConvergePlan {
  const conflicts: string[] = [];
  const foreignContainers = new Set(observed.foreign.containers);
  const foreignNetworks = new Set(observed.foreign.networks);
  const foreignVolumes = new Set(observed.foreign.volumes);

  const networks: NetworkAction[] = [];
  const haveNetworks = new Map(observed.networks.map((n) => [n.name, n]));
  for (const network of params.networks) {
    const specHash = networkSpecHash(network);
    const internal = network.internal ?? false;
    const subnet = network.subnet ? { subnet: network.subnet } : {};
    const had = haveNetworks.get(network.name);
    if (foreignNetworks.has(network.name)) {
      conflicts.push(
        `network "${network.name}" already exists and does not belong to this stack on this node`,
      );
    } else if (!had) {
      networks.push({ name: network.name, action: 'create', internal, ...subnet, specHash });
    } else if (had.specHash !== specHash) {
      networks.push({
        name: network.name,
        action: 'create',
        internal,
        ...subnet,
        specHash,
        replaces: had,
        reason: 'settings changed; recreated',
      });
    } else {
      networks.push({ name: network.name, action: 'unchanged', existing: had });
    }
  }
  const wantedNetworks = new Set(params.networks.map((n) => n.name));
  if (params.remove_orphans) {
    for (const had of observed.networks) {
      if (!wantedNetworks.has(had.name)) networks.push({ name: had.name, action: 'remove', existing: had });
    }
  }

  const haveVolumes = new Set(observed.volumes.map((v) => v.name));
  const volumes = params.volumes.map((v) => {
    if (foreignVolumes.has(v.name))
      conflicts.push(`volume "${v.name}" already exists and does not belong to this stack on this node`);
    return { name: v.name, action: haveVolumes.has(v.name) ? ('unchanged' as const) : ('create' as const) };
  });

  // One container per service: the one with the desired name wins; any other is a leftover.
  const byService = new Map<string, ObservedContainer>();
  const leftovers: ObservedContainer[] = [];
  const desiredName = new Map(params.services.map((s) => [s.service, s.name]));
  for (const c of observed.containers) {
    const wanted = c.service !== undefined ? desiredName.get(c.service) : undefined;
    const current = c.service !== undefined ? byService.get(c.service) : undefined;
    if (wanted === undefined) leftovers.push(c);
    else if (!current) byService.set(c.service as string, c);
    else if (c.name === wanted && current.name !== wanted) {
      leftovers.push(current);
      byService.set(c.service as string, c);
    } else leftovers.push(c);
  }

  const services: ServiceAction[] = [];
  for (const spec of params.services) {
    const { hash, parts } = containerSpecHash(spec, params.networks);
    const had = byService.get(spec.service);
    const base = { service: spec.service, name: spec.name, spec, specHash: hash, specParts: parts };
    if (foreignContainers.has(spec.name)) {
      conflicts.push(
        `container "${spec.name}" already exists and does not belong to this stack on this node`,
      );
    }
    if (!had) {
      services.push({ ...base, action: 'create' });
      continue;
    }
    const localImage = observed.imageIds[spec.image];
    if (had.specHash !== hash) {
      services.push({
        ...base,
        action: 'update',
        existing: had,
        reason: describeChange(changedParts(had.specParts, parts)),
      });
    } else if (localImage !== undefined && localImage !== had.imageId) {
      services.push({ ...base, action: 'update', existing: had, reason: `image ${spec.image} was updated` });
    } else if (!runningStates.has(had.state)) {
      services.push({
        ...base,
        action: 'unchanged',
        existing: had,
        start: true,
        reason: `was ${had.state}; started`,
      });
    } else {
      services.push({ ...base, action: 'unchanged', existing: had });
    }
  }
  if (!params.remove_orphans) {
    // Kept leftovers must not stand in the way of a desired container name.
    const wanted = new Set(params.services.map((s) => s.name));
    for (const c of leftovers) {
      if (wanted.has(c.name))
        conflicts.push(
          `container "${c.name}" of service "${c.service ?? '?'}" is kept (remove_orphans: false) but its name is wanted`,
        );
    }
  }
  if (params.remove_orphans) {
    for (const c of leftovers) {
      services.push({
        service: c.service ?? '',
        name: c.name,
        action: 'remove',
        existing: c,
        reason:
          c.service !== undefined && desiredName.has(c.service)
            ? 'a second container of this service'
            : 'no longer in the stack',
      });
    }
  }

  const count = (a: ServiceAction['action']) => services.filter((s) => s.action === a).length;
  return {
    services,
    networks,
    volumes,
    conflicts,
    changes: {
      create: count('create'),
      update: count('update'),
      remove: count('remove'),
      unchanged: count('unchanged'),
    },
  };
}
