/**
 * The published JSON Schema: committed files are what scripts/build-schema.ts writes today (so the
 * schema cannot go stale), and it agrees with validation on the examples and on typical mistakes.
 * A small draft-07 checker below covers exactly the keywords the generated schema uses; an
 * unexpected keyword fails the test rather than being ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaFiles } from './schema-files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
type Schema = Record<string, any>;

const annotations = new Set(['$schema', 'title', 'description', 'default', 'format']);

function check(schema: Schema, value: unknown, path: string, problems: string[]): void {
  for (const key of Object.keys(schema)) {
    if (
      !annotations.has(key) &&
      ![
        'type',
        'properties',
        'required',
        'additionalProperties',
        'items',
        'enum',
        'const',
        'pattern',
        'minimum',
        'maximum',
        'minItems',
        'maxItems',
        'minLength',
        'maxLength',
        'propertyNames',
        'anyOf',
      ].includes(key)
    ) {
      throw new Error(`keyword ${key} at ${path} is not supported by this checker`);
    }
  }
  const fail = (why: string): void => {
    problems.push(`${path || '(root)'}: ${why}`);
  };
  if (schema.anyOf) {
    if (!schema.anyOf.some((s: Schema) => errors(s, value).length === 0)) fail('matches no anyOf branch');
    return;
  }
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  const actual = Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    fail(`type ${actual}, expected ${types.join('|')}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) fail(`not in enum`);
  if ('const' in schema && schema.const !== value) fail(`not ${schema.const}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) fail(`does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) fail('too short');
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail('too long');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('below minimum');
    if (schema.maximum !== undefined && value > schema.maximum) fail('above maximum');
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail('too few items');
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail('too many items');
    if (schema.items) {
      for (const [i, v] of value.entries()) check(schema.items, v, `${path}[${i}]`, problems);
    }
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) fail(`missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.propertyNames) check(schema.propertyNames, k, `${path}.${k} (key)`, problems);
      if (schema.properties?.[k]) check(schema.properties[k], v, `${path}.${k}`, problems);
      else if (schema.additionalProperties === false) fail(`unknown property ${k}`);
      else if (typeof schema.additionalProperties === 'object')
        check(schema.additionalProperties, v, `${path}.${k}`, problems);
    }
  }
}

function errors(schema: Schema, value: unknown): string[] {
  const problems: string[] = [];
  check(schema, value, '', problems);
  return problems;
}

const files = schemaFiles();
const schema = JSON.parse(files['kombination.schema.json']!);

describe('published JSON Schema', () => {
  it.each(Object.keys(files))('schema/%s is up to date (npm run build:schema -w stackkits)', (name) => {
    expect(readFileSync(join(root, 'schema', name), 'utf8')).toBe(files[name]);
  });

  it('accepts every example, and each kit schema accepts its examples', () => {
    for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(join(root, 'examples', file), 'utf8'));
      expect(errors(schema, doc), file).toEqual([]);
      const kit = file.replace(/-[a-z]+\.yaml$/, '');
      const kitSchema = JSON.parse(files[`${kit}.schema.json`]!);
      expect(errors(kitSchema, { kit, ...doc }), `${file} against ${kit}.schema.json`).toEqual([]);
    }
  });

  it('rejects what validation rejects for shape', () => {
    const base = { name: 'lab', nodes: [{ name: 'server', type: 'main' }] };
    expect(errors(schema, base)).toEqual([]);
    expect(errors(schema, { ...base, name: 'My_Lab' })).toEqual([
      '.name: does not match ^[a-z][a-z0-9-]{0,61}[a-z0-9]$',
    ]);
    expect(errors(schema, { nodes: base.nodes })).toEqual(['(root): missing name']);
    expect(
      errors(schema, { ...base, nodes: [{ name: 'server', type: 'main', ssh: { host: 'h', port: 70000 } }] }),
    ).toEqual(['.nodes[0].ssh.port: above maximum']);
    expect(errors(schema, { ...base, network: { vpn: 'zerotier' } })).toEqual(['.network.vpn: not in enum']);
    expect(errors(schema, { ...base, surprise: 1 })).toEqual(['(root): unknown property surprise']);
    expect(
      errors(schema, { ...base, nodes: [{ name: 'server', type: 'main', resources: { memory: '4GB' } }] }),
    ).toEqual(['.nodes[0].resources.memory: does not match ^[1-9][0-9]{0,6}(?:Mi|Gi|Ti)$']);
  });

  it('shows the defaults editors offer', () => {
    expect(schema.properties.version.default).toBe('1.0');
    expect(schema.properties.network.properties.dns.properties.servers.default).toEqual([
      '1.1.1.1',
      '8.8.8.8',
    ]);
    expect(schema.properties.observability.properties.backup.properties.schedule.default).toBe('0 3 * * *');
    expect(schema.properties.services.items.properties.restartPolicy.default).toBe('unless-stopped');
    expect(schema.properties.nodes.items.properties.ssh.properties.port.default).toBe(22);
  });

  it('narrows each kit schema to the kit', () => {
    const base = JSON.parse(files['base-homelab.schema.json']!);
    expect(base.properties.kit.const).toBe('base-homelab');
    expect(base.properties.variant.enum).toEqual(['default', 'beszel', 'minimal', 'coolify']);
    expect(base.properties.nodes.maxItems).toBe(1);
    expect(base.properties.system.properties.os.enum).toEqual(['ubuntu-24', 'ubuntu-22', 'debian-12']);
    const ha = JSON.parse(files['ha-homelab.schema.json']!);
    expect(ha.properties.variant.enum).toEqual(['default', 'minimal', 'enterprise']);
    expect(ha.properties.nodes.minItems).toBe(3);
  });
});
