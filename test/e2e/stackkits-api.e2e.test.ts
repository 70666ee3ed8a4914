/** The StackKits routes on a real edge: catalog and schemas, validate (YAML with positions, JSON) and generate. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/service.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const example = () => {
  const dir = join(repoRoot, 'stackkits/examples');
  const file = readdirSync(dir).find((f: string) => f.includes('base-homelab')) ?? readdirSync(dir)[0]!;
  return readFileSync(join(dir, file), 'utf8');
};

describe('StackKits API', () => {
  it('lists the kits with variants and requirements, without credentials', async () => {
    const res = await stack.api('/v1/stackkits', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.data.map((k: any) => k.name).sort()).toEqual([
      'base-homelab',
      'ha-homelab',
      'modern-homelab',
    ]);
    const one = await stack.api('/v1/stackkits/base-homelab', { token: null });
    expect(one.body.data.variants.map((v: any) => v.name)).toEqual(
      expect.arrayContaining(['default', 'minimal']),
    );
    expect((await stack.api('/v1/stackkits/nope', { token: null })).status).toBe(404);
  });

  it('serves JSON Schemas editors can use', async () => {
    const schema = await stack.api('/v1/stackkits/schema', { token: null });
    expect(schema.status).toBe(200);
    expect(schema.body.properties).toHaveProperty('nodes');
    const kit = await stack.api('/v1/stackkits/ha-homelab/schema', { token: null });
    expect(kit.status).toBe(200);
  });

  it('validates YAML and reports every problem with its line and column', async () => {
    const bad = 'name: Bad_Name\nnodes:\n  - name: n1\n    type: main\n    provider: mars\n';
    for (const path of ['/v1/stackkits/validate', '/v1/orchestrator/unifier/validate']) {
      const res = await stack.api(path, { body: bad, headers: { 'content-type': 'application/yaml' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      const byPath = Object.fromEntries(res.body.error.details.map((d: any) => [d.path, d]));
      expect(byPath.name).toMatchObject({ code: 'invalid_format', line: 1 });
      expect(byPath['nodes[0].provider']).toMatchObject({ code: 'invalid_value', line: 5 });
    }
    const good = await stack.api('/v1/stackkits/validate', {
      body: example(),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(good.status).toBe(200);
    expect(good.body.data.valid).toBe(true);
  });

  it('validates JSON specs and needs credentials to do work', async () => {
    const res = await stack.api('/v1/stackkits/validate', { body: { spec: { name: 'lab' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => [d.path, d.code])).toContainEqual(['nodes', 'required']);
    expect((await stack.api('/v1/stackkits/validate', { token: null, body: { spec: {} } })).status).toBe(401);
  });

  it('generates the plan, OpenTofu JSON and job plan, deterministically', async () => {
    const yaml = example();
    const one = await stack.api('/v1/stackkits/generate', {
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    const two = await stack.api('/v1/stackkits/generate', {
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).toBe(JSON.stringify(two.body));
    const files = Object.keys(one.body.data.files);
    expect(files.some((f) => f.endsWith('.tf.json'))).toBe(true);
    const main = JSON.parse(one.body.data.files[files.find((f) => f.endsWith('.tf.json'))!]);
    expect(main).toHaveProperty('resource');
    expect(one.body.data.jobs).toBeTruthy();
  });
});
