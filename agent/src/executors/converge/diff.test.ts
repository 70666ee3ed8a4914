import { type StackConvergeInput, stackConvergeParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { type Observed, type ObservedContainer, planConverge } from './diff.ts';
import { containerSpecHash, networkSpecHash } from './spec-hash.ts';

const db = {
  service: 'db',
  name: 's1-db',
  image: 'db:1',
  networks: ['s1-net'],
  mounts: [{ type: 'volume' as const, source: 's1-data', target: '/d' }],
};
const web = {
  service: 'web',
  name: 's1-web',
  image: 'web:1',
  ports: [{ container: 80, host: 8080 }],
  networks: ['s1-net'],
};

const params = (input: Partial<StackConvergeInput> = {}) =>
  stackConvergeParams.parse({
    stack: 's1',
    node: 'n1',
    networks: [{ name: 's1-net' }],
    volumes: [{ name: 's1-data' }],
    services: [db, web],
    ...input,
  });

const empty: Observed = {
  containers: [],
  networks: [],
  volumes: [],
  imageIds: {},
  foreign: { containers: [], networks: [], volumes: [] },
};

/** What Docker would show after a converge of `p`: every container running with its spec labels. */
function converged(p: ReturnType<typeof params>): Observed {
  return {
    containers: p.services.map((s) => {
      const { hash, parts } = containerSpecHash(s, p.networks);
      return {
        id: `id-${s.name}`,
        name: s.name,
        service: s.service,
        specHash: hash,
        specParts: parts,
        state: 'running',
        imageId: `img-${s.image}`,
      };
    }),
    networks: p.networks.map((n) => ({ id: `net-${n.name}`, name: n.name, specHash: networkSpecHash(n) })),
    volumes: p.volumes.map((v) => ({ name: v.name })),
    imageIds: Object.fromEntries(p.services.map((s) => [s.image, `img-${s.image}`])),
    foreign: { containers: [], networks: [], volumes: [] },
  };
}

const actions = (plan: ReturnType<typeof planConverge>) =>
  plan.services.map((s) => [s.service, s.action, s.reason]);

describe('planConverge', () => {
  it('creates everything on an empty node, in the given order', () => {
    const plan = planConverge(params(), empty);
    expect(actions(plan)).toEqual([
      ['db', 'create', undefined],
      ['web', 'create', undefined],
    ]);
    expect(plan.networks).toMatchObject([{ name: 's1-net', action: 'create', internal: false }]);
    expect(plan.volumes).toEqual([{ name: 's1-data', action: 'create' }]);
    expect(plan.changes).toEqual({ create: 2, update: 0, remove: 0, unchanged: 0 });
    expect(plan.conflicts).toEqual([]);
  });

  it('leaves a converged node alone (a second run is a no-op)', () => {
    const p = params();
    const plan = planConverge(p, converged(p));
    expect(plan.changes).toEqual({ create: 0, update: 0, remove: 0, unchanged: 2 });
    expect(plan.networks.map((n) => n.action)).toEqual(['unchanged']);
    expect(plan.volumes.map((v) => v.action)).toEqual(['unchanged']);
    expect(plan.services.every((s) => !s.start)).toBe(true);
  });

  it('replaces only the changed service and says what changed', () => {
    const before = params();
    const after = params({
      services: [db, { ...web, image: 'web:2', env: { A: '1' } }],
    });
    const plan = planConverge(after, converged(before));
    expect(actions(plan)).toEqual([
      ['db', 'unchanged', undefined],
      ['web', 'update', 'image, environment changed'],
    ]);
    expect(plan.services[1]?.existing?.id).toBe('id-s1-web');
  });

  it('removes services and networks the stack no longer has, unless told to keep orphans', () => {
    const before = params();
    const after = params({
      networks: [],
      services: [
        {
          service: 'db',
          name: 's1-db',
          image: 'db:1',
          mounts: [{ type: 'volume', source: 's1-data', target: '/d' }],
        },
      ],
    });
    const plan = planConverge(after, converged(before));
    expect(actions(plan)).toEqual([
      ['db', 'update', 'networks changed'],
      ['web', 'remove', 'no longer in the stack'],
    ]);
    expect(plan.networks).toMatchObject([{ name: 's1-net', action: 'remove' }]);
    // Volumes keep their data: converge never removes one.
    expect(plan.volumes).toEqual([{ name: 's1-data', action: 'unchanged' }]);

    const kept = planConverge({ ...after, remove_orphans: false }, converged(before));
    expect(kept.services.map((s) => s.action)).toEqual(['update']);
    expect(kept.networks).toEqual([]);
  });

  it('recreates a network whose settings changed, and the containers on it', () => {
    const before = params();
    const after = params({ networks: [{ name: 's1-net', internal: true }] });
    const plan = planConverge(after, converged(before));
    expect(plan.networks).toMatchObject([
      { name: 's1-net', action: 'create', internal: true, replaces: { id: 'net-s1-net' } },
    ]);
    expect(actions(plan)).toEqual([
      ['db', 'update', 'networks changed'],
      ['web', 'update', 'networks changed'],
    ]);
  });

  it('replaces a container whose image tag now points at a newer image', () => {
    const p = params();
    const seen = converged(p);
    seen.imageIds['web:1'] = 'img-newer';
    expect(actions(planConverge(p, seen))).toEqual([
      ['db', 'unchanged', undefined],
      ['web', 'update', 'image web:1 was updated'],
    ]);
  });

  it('starts an unchanged container that is not running', () => {
    const p = params();
    const seen = converged(p);
    (seen.containers[0] as ObservedContainer).state = 'exited';
    const plan = planConverge(p, seen);
    expect(plan.services[0]).toMatchObject({
      action: 'unchanged',
      start: true,
      reason: 'was exited; started',
    });
  });

  it('treats a container without spec labels (made by an older agent) as changed', () => {
    const p = params();
    const seen = converged(p);
    (seen.containers[1] as ObservedContainer).specHash = undefined;
    (seen.containers[1] as ObservedContainer).specParts = undefined;
    expect(planConverge(p, seen).services[1]).toMatchObject({ action: 'update' });
  });

  it('keeps one container per service and removes the extra one', () => {
    const p = params();
    const seen = converged(p);
    seen.containers.push({
      ...(seen.containers[1] as ObservedContainer),
      id: 'id-extra',
      name: 's1-web-old',
    });
    const plan = planConverge(p, seen);
    expect(actions(plan)).toEqual([
      ['db', 'unchanged', undefined],
      ['web', 'unchanged', undefined],
      ['web', 'remove', 'a second container of this service'],
    ]);
  });

  it('reports a kept orphan that holds a wanted name as a conflict', () => {
    const p = params();
    const seen = converged(p);
    (seen.containers[1] as ObservedContainer).service = 'old-web';
    expect(planConverge({ ...p, remove_orphans: false }, seen).conflicts).toEqual([
      'container "s1-web" of service "old-web" is kept (remove_orphans: false) but its name is wanted',
    ]);
    expect(planConverge(p, seen).conflicts).toEqual([]);
  });

  it('reports names owned by something else as conflicts', () => {
    const plan = planConverge(params(), {
      ...empty,
      foreign: { containers: ['s1-web'], networks: ['s1-net'], volumes: ['s1-data'] },
    });
    expect(plan.conflicts).toEqual([
      'network "s1-net" already exists and does not belong to this stack on this node',
      'volume "s1-data" already exists and does not belong to this stack on this node',
      'container "s1-web" already exists and does not belong to this stack on this node',
    ]);
  });
});

describe('containerSpecHash', () => {
  it('ignores key order and empty optional values, and changes with any part', () => {
    const p = params();
    const web = p.services[1]!;
    const base = containerSpecHash(web, p.networks).hash;
    expect(containerSpecHash({ ...web, env: {}, labels: {} }, p.networks).hash).toBe(base);
    expect(containerSpecHash({ ...web, env: { B: '2', A: '1' } }, p.networks).hash).toBe(
      containerSpecHash({ ...web, env: { A: '1', B: '2' } }, p.networks).hash,
    );
    expect(containerSpecHash({ ...web, restart: 'always' }, p.networks).hash).not.toBe(base);
    expect(containerSpecHash({ ...web, command: ['x'] }, p.networks).hash).not.toBe(base);
  });
});
