/**
 * Property tests (fast-check):
 * - any generated valid spec validates, resolves, and resolves twice to the same bytes; its jobs
 *   pass the agent's job schema;
 * - random mutations of valid specs, random edits of their YAML, random bytes and random values
 *   never throw: they come back as errors with contract codes, or as a spec that resolves.
 */
import { parseJobParams } from '@kombify/proto/jobs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { toJobPlan } from '../generate/to-job-plan.ts';
import { toOpenTofu } from '../generate/to-open-tofu.ts';
import { serializePlan } from '../unifier/plan.ts';
import { resolve } from '../unifier/resolve.ts';
import { type SpecError, specErrorCodes } from './errors.ts';
import { parseSpec, type SpecResult, validateSpec } from './validate.ts';

type Obj = Record<string, unknown>;

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const images = [
  'nginx:1.27',
  'postgres:16-alpine',
  'ghcr.io/acme/app:2.1',
  'redis:7',
  'registry.lan:5000/tools/x:latest',
];
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
const host = fc.oneof(fc.ipV4(), fc.constantFrom('nas.home.arpa', 'server-1', 'fd00::10'));

/** Services of the spec: acyclic needs (only on earlier ones), unique host ports, no catalog names. */
function userServices(nodes: string[]) {
  return fc
    .uniqueArray(label, { maxLength: 5 })
    .chain((names) =>
      fc.tuple(
        ...names.map((name, i) =>
          fc.record(
            {
              name: fc.constant(`u-${name}`),
              image: fc.constantFrom(...images),
              node: fc.constantFrom(...nodes),
              needs: fc.subarray(names.slice(0, i).map((n) => `u-${n}`)),
              ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }).chain((containers) =>
                fc.tuple(
                  ...containers.map((container, j) =>
                    fc.record({
                      container: fc.constant(container),
                      host: fc.constantFrom(undefined, 20000 + i * 10 + j),
                    }),
                  ),
                ),
              ),
              environment: fc.dictionary(
                envName,
                fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
                {
                  maxKeys: 3,
                },
              ),
              volumes: fc
                .uniqueArray(label, { maxLength: 2 })
                .map((vs) => vs.map((v) => ({ name: v, mountPath: `/data/${v}` }))),
              restartPolicy: fc.constantFrom('always', 'unless-stopped', 'on-failure', 'no'),
            },
            { requiredKeys: ['name', 'image'] },
          ),
        ),
      ),
    )
    .map((list) => list.map((s) => JSON.parse(JSON.stringify(s)) as Obj));
}

const baseHomelab = fc
  .record({
    name: label,
    variant: fc.constantFrom(undefined, 'default', 'beszel', 'minimal', 'coolify'),
    domain: fc.constantFrom(undefined, 'home.example.net', 'lab.lan'),
    cpu: fc.integer({ min: 4, max: 32 }),
    memory: fc.constantFrom('8Gi', '16Gi', '64Gi'),
    os: fc.constantFrom('ubuntu-24', 'ubuntu-22', 'debian-12'),
    ssh: fc.option(fc.record({ host, port: fc.integer({ min: 1, max: 65535 }) }), { nil: undefined }),
  })
  .chain((o) =>
    userServices(['server']).map((services) => ({
      name: o.name,
      kit: 'base-homelab',
      ...(o.variant ? { variant: o.variant } : {}),
      nodes: [
        {
          name: 'server',
          type: 'main',
          os: o.os,
          ...(o.ssh ? { ssh: o.ssh } : {}),
          resources: { cpu: o.cpu, memory: o.memory, disk: '100Gi' },
        },
      ],
      network: { domain: o.variant === 'coolify' ? 'home.example.net' : (o.domain ?? 'local') },
      services,
    })),
  );

const modernHomelab = fc
  .record({
    name: label,
    mainProvider: fc.constantFrom('local', 'hetzner', 'aws'),
    workers: fc.array(fc.constantFrom('local', 'docker', 'hetzner', 'gcp', 'proxmox'), { maxLength: 3 }),
    edges: fc.array(fc.constantFrom('local', 'docker'), { maxLength: 2 }),
    vpn: fc.constantFrom('headscale', 'tailscale'),
    domain: fc.constantFrom(undefined, 'example.org'),
    variant: fc.constantFrom(undefined, 'default', 'minimal'),
  })
  .chain((o) => {
    const nodes: Obj[] = [
      { name: 'main', type: 'main', provider: o.mainProvider, ssh: { host: '10.9.0.1' } },
      ...o.workers.map((provider, i) => ({
        name: `worker-${i}`,
        type: 'worker',
        provider,
        ssh: { host: `10.9.1.${i + 1}` },
      })),
      ...o.edges.map((provider, i) => ({ name: `edge-${i}`, type: 'edge', provider })),
    ];
    return userServices(nodes.map((n) => n.name as string)).map((services) => ({
      name: o.name,
      ...(o.variant ? { variant: o.variant } : {}),
      kit: 'modern-homelab',
      nodes,
      network: { vpn: o.vpn, ...(o.domain ? { domain: o.domain } : {}) },
      services,
    }));
  });

const haHomelab = fc
  .record({
    name: label,
    managers: fc.constantFrom(3, 5, 7),
    workers: fc.integer({ min: 0, max: 3 }),
    edges: fc.integer({ min: 0, max: 1 }),
    variant: fc.constantFrom(undefined, 'default', 'minimal', 'enterprise'),
    domain: fc.constantFrom(undefined, 'cluster.example.com'),
  })
  .chain((o) => {
    const nodes: Obj[] = [
      ...Array.from({ length: o.managers }, (_, i) => ({
        name: `mgr-${i}`,
        type: 'main',
        resources: { cpu: 4, memory: '8Gi', disk: '100Gi' },
      })),
      ...Array.from({ length: o.workers }, (_, i) => ({
        name: `wrk-${i}`,
        type: 'worker',
        resources: { cpu: 2, memory: '4Gi', disk: '50Gi' },
      })),
      ...Array.from({ length: o.edges }, (_, i) => ({ name: `edge-${i}`, type: 'edge' })),
    ];
    const variant = o.variant === 'enterprise' && o.managers + o.workers < 5 ? 'default' : o.variant;
    return userServices(nodes.map((n) => n.name as string)).map((services) => ({
      name: o.name,
      kit: 'ha-homelab',
      ...(variant ? { variant } : {}),
      nodes,
      ...(o.domain ? { network: { domain: o.domain } } : {}),
      services,
    }));
  });

const validSpec = fc.oneof(baseHomelab, modernHomelab, haHomelab);

function expectWellFormed(result: SpecResult): void {
  expect(Array.isArray(result.errors)).toBe(true);
  if (result.spec) expect(result.errors).toEqual([]);
  else expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) {
    expect(specErrorCodes).toContain(e.code);
    expect(typeof e.path).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

function expectResolvable(result: SpecResult): void {
  if (!result.spec) return;
  const plan = resolve(result.spec);
  toOpenTofu(plan);
  toJobPlan(plan);
}

function withLines(errors: SpecError[]): void {
  for (const e of errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
  }
  const lines = errors.map((e) => e.line ?? 0);
  expect(lines).toEqual([...lines].sort((a, b) => a - b));
}

describe('valid specs', () => {
  it('validate, resolve, and resolve twice to the same bytes', () => {
    fc.assert(
      fc.property(validSpec, (obj) => {
        const text = stringify(obj);
        const parsed = parseSpec(text);
        expect(parsed.errors, text).toEqual([]);
        expect(validateSpec(obj).errors).toEqual([]);
        const first = resolve(parsed.spec!);
        const second = resolve(parseSpec(text).spec!);
        expect(serializePlan(second)).toBe(serializePlan(first));
        expect(toOpenTofu(second)).toEqual(toOpenTofu(first));
        const position = new Map(first.order.map((s, i) => [s, i]));
        for (const node of first.nodes) {
          for (const c of node.containers) {
            expect(c.labels['kombify.managed']).toBe('true');
            for (const need of c.needs) expect(position.get(need)!).toBeLessThan(position.get(c.service)!);
          }
        }
        for (const job of toJobPlan(first).jobs) {
          const check = parseJobParams(job.type, job.params);
          expect(check.ok ? [] : check.issues).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

/** Every path in a value, for picking a place to mutate. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

type Mutation =
  | { kind: 'set'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'duplicate' }
  | { kind: 'rename'; key: string };

function mutate(obj: Obj, at: number, m: Mutation): unknown {
  const copy = structuredClone(obj);
  const all = paths(copy);
  const path = all[at % all.length]!;
  if (path.length === 0) return m.kind === 'set' ? m.value : copy;
  let parent: any = copy;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const last = path.at(-1)!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'duplicate' && Array.isArray(parent))
    parent.push(structuredClone(parent[last as number]));
  else if (m.kind === 'rename' && !Array.isArray(parent)) {
    const value = parent[last];
    delete parent[last];
    parent[m.key] = value;
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: fc.anything({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    value: fc.oneof(
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.constantFrom('main', 'edge', 'hetzner', 'traefik', '..', 'secret://x', '4Gi'),
    ),
  }),
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'duplicate' as const }),
  fc.record({
    kind: fc.constant('rename' as const),
    key: fc.oneof(fc.string(), fc.constantFrom('name', 'needs', 'node', '__proto__')),
  }),
);

describe('nothing throws', () => {
  it('mutated specs: errors or a spec that resolves', () => {
    fc.assert(
      fc.property(
        validSpec,
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
        (obj, steps) => {
          let value: unknown = obj;
          for (const [at, m] of steps) value = mutate(value as Obj, at, m);
          const direct = validateSpec(value);
          expectWellFormed(direct);
          expectResolvable(direct);
          let text: string;
          try {
            text = stringify(value);
          } catch {
            return; // not representable as YAML (e.g. a symbol); validateSpec covered it
          }
          const parsed = parseSpec(text);
          expectWellFormed(parsed);
          withLines(parsed.errors);
          expectResolvable(parsed);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);

  it('random edits of valid YAML text', () => {
    const edit = fc.tuple(
      fc.nat(),
      fc.nat({ max: 8 }),
      fc.string({ maxLength: 6, unit: fc.constantFrom(...' :-[]{}#&*!|>\'"\n\t%@`,?abc01') }),
    );
    fc.assert(
      fc.property(validSpec, fc.array(edit, { minLength: 1, maxLength: 4 }), (obj, edits) => {
        let text = stringify(obj);
        for (const [at, remove, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        const parsed = parseSpec(text);
        expectWellFormed(parsed);
        withLines(parsed.errors);
        expectResolvable(parsed);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, utf8) => {
        const text = utf8 ? new TextDecoder().decode(bytes) : String.fromCharCode(...bytes);
        const parsed = parseSpec(text);
        expectWellFormed(parsed);
        withLines(parsed.errors);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('random values given to validateSpec', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }), (value) => {
        expectWellFormed(validateSpec(value));
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});
