import baseHomelab from '@kombify/stackkits/schema/base-homelab.schema.json';
import kombination from '@kombify/stackkits/schema/kombination.schema.json';
import { describe, expect, it } from 'vitest';
import { describeField, type JsonSchema, keysOf, schemaAt, valuesOf, yamlScalar } from './spec-schema.ts';

const root = kombination as JsonSchema;

describe('the kombination schema as the editor reads it', () => {
  it('offers the top-level keys, required ones first', () => {
    const keys = keysOf(root).map((k) => k.name);
    expect(keys.slice(0, 2)).toEqual(['name', 'nodes']);
    expect(keys).toEqual(expect.arrayContaining(['kit', 'variant', 'services', 'system', 'network']));
  });

  it('offers the kit names (not the empty auto-select) and node types', () => {
    expect(valuesOf(schemaAt(root, ['kit'])).map((v) => v.text)).toEqual([
      'base-homelab',
      'modern-homelab',
      'ha-homelab',
    ]);
    expect(valuesOf(schemaAt(root, ['nodes', 0, 'type'])).map((v) => v.text)).toEqual([
      'main',
      'worker',
      'edge',
    ]);
  });

  it('walks sequence items, nested mappings and additionalProperties', () => {
    expect(keysOf(schemaAt(root, ['nodes', 3])).map((k) => k.name)).toEqual(
      expect.arrayContaining(['name', 'type', 'ssh', 'resources']),
    );
    expect(schemaAt(root, ['nodes', 0, 'ssh', 'port'])).toMatchObject({ type: 'integer', default: 22 });
    expect(schemaAt(root, ['nodes', 0, 'labels', 'any-label'])).toMatchObject({ type: 'string' });
    expect(schemaAt(root, ['no-such-key'])).toBeUndefined();
  });

  it('marks the default value and offers booleans', () => {
    const provider = valuesOf(schemaAt(root, ['nodes', 0, 'provider']));
    expect(provider.find((v) => v.isDefault)?.text).toBe('local');
    const bools = keysOf(root)
      .flatMap((k) => keysOf(k.schema))
      .find((k) => k.schema.type === 'boolean');
    expect(bools && valuesOf(bools.schema).map((v) => v.text)).toEqual(
      expect.arrayContaining(['true', 'false']),
    );
  });

  it('a kit’s own schema documents each of its variants', () => {
    const variants = valuesOf(schemaAt(baseHomelab as JsonSchema, ['variant']));
    expect(variants.map((v) => v.text)).toContain('minimal');
    expect(variants.find((v) => v.text === 'minimal')?.info).toBeTruthy();
  });

  it('describes a field from its description, values and default', () => {
    const lines = describeField('type', schemaAt(root, ['nodes', 0, 'type'])!, true);
    expect(lines[0]).toBe('type (required): one of 3 values');
    expect(lines[1]).toContain('main (runs the stack core');
    expect(lines).toContain('Values: main, worker, edge');
    expect(describeField('port', schemaAt(root, ['nodes', 0, 'ssh', 'port'])!, false)).toEqual([
      'port: integer 1–65535',
      'SSH port (1-65535).',
      'Default: 22',
    ]);
  });

  it('quotes strings YAML would read as something else', () => {
    expect(yamlScalar('1.0')).toBe('"1.0"');
    expect(yamlScalar('yes')).toBe('"yes"');
    expect(yamlScalar('unless-stopped')).toBe('unless-stopped');
    expect(yamlScalar(22)).toBe('22');
  });
});
