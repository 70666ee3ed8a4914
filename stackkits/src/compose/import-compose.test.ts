/**
 * The importer on bad input (every problem located, nothing thrown), merging into an existing
 * spec, interpolation rules, and a property test: generated valid compose documents never make
 * it throw and give a valid spec or located errors; random mutations of them give located
 * errors, never exceptions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseSpec } from '../spec/validate.ts';
import { importCompose } from './import-compose.ts';
import { type InterpolationIssue, interpolate, parseEnvText } from './interpolate.ts';

const one = (text: string, extra: object = {}) =>
  importCompose({ files: [{ name: 'c.yml', text }], ...extra });

describe('importCompose: bad input', () => {
  it('not YAML: a parse error with its position', () => {
    const r = one('services:\n  web:\n    image: [nginx\n');
    expect(r.yaml).toBeUndefined();
    expect(r.errors[0]).toMatchObject({ file: 'c.yml', code: 'parse_error' });
    expect(r.errors[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('no services', () => {
    for (const text of ['name: x\n', 'services: {}\n']) {
      const r = one(text);
      expect(r.errors).toEqual([expect.objectContaining({ code: 'schema', path: 'services', line: 1 })]);
    }
    expect(one('').errors[0]).toMatchObject({
      code: 'parse_error',
      message: expect.stringContaining('empty'),
    });
  });

  it('an unknown top-level key and an unknown service field, at their keys', () => {
    const r = one('services:\n  web:\n    image: nginx:1.27\n    imagee: x\nservicez: {}\n');
    expect(r.errors.map((e) => [e.path, e.code, e.line, e.column])).toEqual([
      ['services.web.imagee', 'schema', 4, 5],
      ['servicez', 'schema', 5, 1],
    ]);
  });

  it('a file over 4 MiB is refused before parsing', () => {
    const text = `services:\n  web:\n    image: nginx:1.27\n#${'x'.repeat(5 * 1024 * 1024)}\n`;
    const r = one(text);
    expect(r.errors).toEqual([
      expect.objectContaining({
        code: 'parse_error',
        line: 1,
        column: 1,
        message: expect.stringContaining('larger than 4 MiB'),
      }),
    ]);
  });

  it('aliases that explode (billion laughs) are stopped with a position', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [i, n] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
      const prev = i === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f', 'g'][i - 1];
      lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('services:\n  web:\n    image: nginx:1.27\n    environment: *h');
    const r = one(lines.join('\n'));
    expect(r.errors[0]).toMatchObject({
      code: 'parse_error',
      message: expect.stringContaining('expands to more than'),
    });
    expect(r.errors[0]!.line).toBeGreaterThan(0);
  });

  it('a version 1 file says so', () => {
    expect(one('web:\n  image: nginx:1.27\n').errors[0]?.message).toContain('version 1');
  });
});

describe('importCompose: into an existing spec', () => {
  const spec = `# my lab\nname: lab\nnodes:\n  - name: box\n    type: main\n    resources: { cpu: 4, memory: 8Gi, disk: 100Gi }\nservices:\n  - name: web\n    image: nginx:1.27\n`;
  it('adds the services with unique names and keeps the comments', () => {
    const r = one(
      'services:\n  web:\n    image: caddy:2.8.4\n  api:\n    image: example/api:1.0.0\n    depends_on: [web]\n',
      { into: spec, node: 'box' },
    );
    expect(r.errors).toEqual([]);
    expect(r.services).toEqual(['web-2', 'api']);
    expect(r.yaml).toContain('# my lab');
    const parsed = parseSpec(r.yaml!);
    expect(parsed.errors).toEqual([]);
    expect(parsed.spec!.services.map((s) => [s.name, s.node, s.needs])).toEqual([
      ['web', undefined, undefined],
      ['web-2', 'box', undefined],
      ['api', 'box', ['web-2']],
    ]);
  });

  it('an unknown --node is an error of the spec', () => {
    expect(
      one('services:\n  x1:\n    image: a/b:1.0\n', { into: spec, node: 'nope' }).errors[0],
    ).toMatchObject({ file: 'kombination.yaml', code: 'spec' });
  });
});

describe('interpolation', () => {
  const vars = new Map([
    ['A', 'x'],
    ['EMPTY', ''],
  ]);
  const run = (t: string) => {
    const issues: InterpolationIssue[] = [];
    return { out: interpolate(t, vars, [], issues), issues };
  };
  it('follows the Compose rules', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax
    expect(run('$A ${A} $$A ${EMPTY:-d} ${EMPTY-d} ${NO:-${A}} ${A:+y} ${NO+y}').out).toBe('x x $A d  x y ');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax
    expect(run('${NO:?needed}').issues).toEqual([
      { path: [], kind: 'error', message: 'required variable NO is not set: needed' },
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax
    expect(run('${NO}').issues[0]?.kind).toBe('unset');
    expect(run('${A').issues[0]?.kind).toBe('error');
  });
  it('reads .env text', () => {
    const { vars: v } = parseEnvText('# c\nexport A=1\nB="two\\nlines"\nC=\'$lit\'\nD=x # comment\n');
    expect([...v]).toEqual([
      ['A', '1'],
      ['B', 'two\nlines'],
      ['C', '$lit'],
      ['D', 'x'],
    ]);
  });
});

const name = fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/);
const port = fc.integer({ min: 1024, max: 60000 });
const service = fc.record(
  {
    image: fc.constantFrom('nginx:1.27', 'redis:7.4.1-alpine', 'example/app:2.0.0', 'ghcr.io/a/b:1.2.3'),
    ports: fc.array(
      fc.oneof(
        port.map((p) => `${p}:80`),
        port,
        fc.record({ target: port, published: port.map(String) }),
      ),
      { maxLength: 3 },
    ),
    environment: fc.oneof(
      fc.dictionary(
        fc.stringMatching(/^[A-Z][A-Z_]{0,8}$/),
        fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
      ),
      fc.array(fc.stringMatching(/^[A-Z]{1,6}=[a-z0-9]{0,6}$/), { maxLength: 3 }),
    ),
    restart: fc.constantFrom('no', 'always', 'unless-stopped', 'on-failure'),
    command: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })),
    healthcheck: fc.record({
      test: fc.constant(['CMD', 'true']),
      interval: fc.constantFrom('10s', '1m', '1m30s', '250ms'),
    }),
  },
  { requiredKeys: ['image'] },
);
const composeDoc = fc.dictionary(name, service, { minKeys: 1, maxKeys: 5 }).map((services) => ({ services }));

function located(r: ReturnType<typeof importCompose>): void {
  for (const e of [...r.errors, ...r.warnings]) {
    expect(typeof e.path).toBe('string');
    if (e.file !== 'kombination.yaml') expect(e.line).toBeGreaterThan(0);
  }
  if (r.yaml) expect(parseSpec(r.yaml).errors).toEqual([]);
  else expect(r.errors.length).toBeGreaterThan(0);
}

describe('importCompose: properties', () => {
  it('valid compose documents never throw; the result is a valid spec or located errors', () => {
    fc.assert(
      fc.property(composeDoc, (doc) => {
        located(one(stringify(doc)));
      }),
      { numRuns: 150 },
    );
  });

  it('mutated documents and text give located errors, not exceptions', () => {
    const junk = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string({ maxLength: 6 }),
      fc.constant([]),
      fc.constant({ x: 1 }),
      fc.boolean(),
    );
    const field = fc.constantFrom(
      'image',
      'ports',
      'environment',
      'volumes',
      'depends_on',
      'healthcheck',
      'deploy',
      'networks',
      'secrets',
      'build',
      'restart',
      'bogus',
    );
    fc.assert(
      fc.property(
        composeDoc,
        field,
        junk,
        fc.integer({ min: 0, max: 400 }),
        fc.string({ maxLength: 4 }),
        (doc, key, value, cut, insert) => {
          const first = Object.keys(doc.services)[0]!;
          const mutated = structuredClone(doc) as { services: Record<string, Record<string, unknown>> };
          mutated.services[first]![key] = value;
          located(one(stringify(mutated)));
          const text = stringify(doc);
          const at = cut % (text.length + 1);
          located(one(text.slice(0, at) + insert + text.slice(at)));
        },
      ),
      { numRuns: 150 },
    );
  });
});
