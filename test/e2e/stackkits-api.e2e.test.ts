/**
 * The StackKits routes on a real edge: catalog and schemas, validate (YAML with positions, JSON),
 * generate, the compose import, the app catalog, and adding a catalog app to a stack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../scripts/lib/seed.ts';
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

const yamlBody = (body: string) => ({ body, headers: { 'content-type': 'application/yaml' } });

const compose = [
  "version: '3.8'", // line 1: obsolete, a warning
  'services:',
  '  web:',
  '    image: nginx:1.27.2',
  '    ports:',
  '      - "8081:80"',
  '    depends_on: [db]',
  '  db:',
  '    image: postgres:16.4',
  '    environment:',
  '      POSTGRES_PASSWORD: hunter2-not-in-the-answer',
  '    volumes:',
  '      - dbdata:/var/lib/postgresql/data',
  'volumes:',
  '  dbdata: {}',
  '',
].join('\n');

describe('compose import', () => {
  it('turns a compose file into a spec, with each warning at its line', async () => {
    for (const type of ['application/yaml', 'text/yaml']) {
      const res = await stack.api('/v1/stackkits/import', {
        body: compose,
        headers: { 'content-type': type },
      });
      expect(res.status, type).toBe(200);
      const { spec, yaml, warnings, secrets } = res.body.data;
      expect(spec.services.map((s: any) => s.name)).toEqual(['web', 'db']);
      expect(spec.services[0]).toMatchObject({ image: 'nginx:1.27.2', needs: ['db'] });
      expect(yaml).toContain('image: postgres:16.4');
      expect(warnings).toContainEqual(expect.objectContaining({ path: 'version', code: 'ignored', line: 1 }));
      // The password became a secret:// reference; its value is nowhere in the answer.
      expect(secrets.map((s: any) => s.from)).toContain('services.db.environment.POSTGRES_PASSWORD');
      expect(JSON.stringify(res.body)).not.toContain('hunter2-not-in-the-answer');
      // The spec it made is one the edge accepts.
      const valid = await stack.api('/v1/stackkits/validate', yamlBody(yaml));
      expect(valid.status).toBe(200);
    }
  });

  it('takes JSON with the kit, the node and a .env text', async () => {
    const res = await stack.api('/v1/stackkits/import', {
      body: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, not a JS template
        compose: 'services:\n  app:\n    image: "ghcr.io/example/app:${TAG:-1.0}"\n',
        kit: 'modern-homelab',
        node: 'box',
        env: 'TAG=2.3.4\n',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.spec.kit).toBe('modern-homelab');
    expect(res.body.data.spec.nodes.map((n: any) => n.name)).toContain('box');
    expect(res.body.data.spec.services[0].image).toBe('ghcr.io/example/app:2.3.4');
  });

  it('refuses bad compose files with the problem at its line', async () => {
    const notYaml = await stack.api('/v1/stackkits/import', yamlBody('services:\n  web: [unclosed\n'));
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.error.code).toBe('VALIDATION_FAILED');
    expect(notYaml.body.error.details[0]).toMatchObject({ code: 'parse_error', line: expect.any(Number) });

    const noServices = await stack.api('/v1/stackkits/import', yamlBody('name: empty\nvolumes:\n  a: {}\n'));
    expect(noServices.status).toBe(400);
    expect(noServices.body.error.details.map((d: any) => d.path)).toContain('services');

    const unknownKey = await stack.api(
      '/v1/stackkits/import',
      yamlBody('services:\n  web:\n    image: nginx:1.27.2\nfrobnicate: true\n'),
    );
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error.details).toContainEqual(
      expect.objectContaining({ code: 'schema', line: 4, file: 'docker-compose.yml' }),
    );

    const build = await stack.api('/v1/stackkits/import', yamlBody('services:\n  web:\n    build: .\n'));
    expect(build.status).toBe(400);
    expect(JSON.stringify(build.body.error.details)).toContain('registry');
  });

  it('refuses a body over the cap before parsing it, and malformed requests', async () => {
    const big = `services:\n  web:\n    image: nginx:1.27.2\n# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    // A few times: the refusal must arrive while the client is still sending, every time.
    for (let i = 0; i < 5; i++) {
      const res = await stack.api('/v1/stackkits/import', yamlBody(big));
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
      expect(res.body.error.message).toMatch(/larger than/);
      expect(res.body.error.details[0].code).toBe('too_large');
    }

    const asJson = await stack.api('/v1/stackkits/import', { body: { compose: big } });
    expect(asJson.status).toBe(400);
    expect(asJson.body.error.details[0].code).toBe('too_large');

    const extra = await stack.api('/v1/stackkits/import', { body: { compose, kit: 'mars' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.map((d: any) => d.path)).toContain('kit');

    const plain = await stack.api('/v1/stackkits/import', {
      body: compose,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(plain.status).toBe(400);
  });

  it('needs a signed-in caller; a viewer may import', async () => {
    const anon = await stack.api('/v1/stackkits/import', { ...yamlBody(compose), token: null });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('AUTH_REQUIRED');
    const viewer = await createApiKey(stack.db.config, {
      orgId: stack.orgId,
      name: 'viewer',
      role: 'viewer',
    });
    const res = await stack.api('/v1/stackkits/import', { ...yamlBody(compose), token: viewer });
    expect(res.status).toBe(200);
  });
});

describe('app catalog', () => {
  it('lists at least 60 apps without credentials, searchable and by category', async () => {
    const all = await stack.api('/v1/stackkits/apps', { token: null });
    expect(all.status).toBe(200);
    expect(all.body.data.length).toBeGreaterThanOrEqual(60);
    expect(all.body.data[0]).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        description: expect.any(String),
        images: expect.any(Array),
      }),
    );
    expect(all.body.categories).toContain('media');

    const search = await stack.api('/v1/stackkits/apps?q=jelly', { token: null });
    expect(search.body.data.map((a: any) => a.name).sort()).toEqual(['jellyfin', 'jellyseerr']);
    const media = await stack.api('/v1/stackkits/apps?category=media', { token: null });
    expect(media.body.data.length).toBeGreaterThan(0);
    expect(media.body.data.every((a: any) => a.category === 'media')).toBe(true);
    expect(media.body.data.length).toBeLessThan(all.body.data.length);
    const both = await stack.api('/v1/stackkits/apps?category=passwords&q=bitwarden', { token: null });
    expect(both.body.data.map((a: any) => a.name)).toEqual(['vaultwarden']);

    const badCategory = await stack.api('/v1/stackkits/apps?category=nope', { token: null });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.error.details[0].path).toBe('category');
  });

  it("serves one app's definition; an unknown app is 404", async () => {
    const one = await stack.api('/v1/stackkits/apps/vaultwarden', { token: null });
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ name: 'vaultwarden', route: { subdomain: 'vault' } });
    expect(one.body.data.services[0].healthCheck).toBeTruthy();
    expect(one.body.data.secrets.map((s: any) => s.name)).toEqual(['admin-token']);
    const none = await stack.api('/v1/stackkits/apps/not-an-app', { token: null });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NOT_FOUND');
  });
});

describe('adding a catalog app to a stack', () => {
  const spec = (name: string) =>
    `name: ${name}\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: box\n    type: main\n`;

  it('adds the app as a new spec version, its secrets generated and kept out of the stack', async () => {
    const made = await stack.api('/v1/orchestrator/stacks', yamlBody(spec('apps-lab')));
    expect(made.status).toBe(201);
    const id = made.body.data.id;
    const res = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, { body: { app: 'vaultwarden' } });
    expect(res.status).toBe(201);
    const added = res.body.data;
    expect(added.version.version).toBe(2);
    expect(added.services).toEqual(['vaultwarden']);
    expect(added.secrets).toHaveLength(1);
    const [secret] = added.secrets;
    expect(secret.ref).toBe('secret://vaultwarden/admin-token');
    expect(secret.value).toMatch(/^[A-Za-z0-9]{48}$/);

    const current = await stack.api(`/v1/orchestrator/stacks/${id}/spec`);
    expect(current.body.data.version).toBe(2);
    const service = current.body.data.spec.services.find((s: any) => s.name === 'vaultwarden');
    expect(service.environmentSecrets).toEqual({ ADMIN_TOKEN: 'secret://vaultwarden/admin-token' });
    expect(current.body.data.source).toContain('name: box'); // the spec it was added to is kept
    // The value is in no version, no plan, no export, no detail of the stack.
    for (const path of ['spec', 'versions', 'plan', 'export', '']) {
      const read = await stack.api(`/v1/orchestrator/stacks/${id}${path ? `/${path}` : ''}`);
      expect(read.status, path).toBe(200);
      expect(JSON.stringify(read.body), path).not.toContain(secret.value);
    }
    // The same app again is refused: its service name is taken.
    const again = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, { body: { app: 'vaultwarden' } });
    expect(again.status).toBe(400);
    expect(again.body.error.details[0]).toMatchObject({ path: 'services', code: 'duplicate' });
    expect((await stack.api(`/v1/orchestrator/stacks/${id}/spec`)).body.data.version).toBe(2);
  });

  it('refuses an unknown app, an unknown node and a malformed body', async () => {
    const id = (await stack.api('/v1/orchestrator/stacks', yamlBody(spec('apps-bad')))).body.data.id;
    const unknown = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, { body: { app: 'nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      expect.objectContaining({ path: 'app', code: 'invalid_reference' }),
    ]);
    const node = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, {
      body: { app: 'gitea', node: 'elsewhere' },
    });
    expect(node.status).toBe(400);
    const extra = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, {
      body: { app: 'gitea', color: 'red' },
    });
    expect(extra.status).toBe(400);
    const missing = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.path)).toContain('app');
    expect((await stack.api(`/v1/orchestrator/stacks/${id}/spec`)).body.data.version).toBe(1);
  });

  it("needs an operator; another org's stack is 404", async () => {
    const id = (await stack.api('/v1/orchestrator/stacks', yamlBody(spec('apps-auth')))).body.data.id;
    const anon = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, {
      token: null,
      body: { app: 'gitea' },
    });
    expect(anon.status).toBe(401);
    const viewer = await createApiKey(stack.db.config, {
      orgId: stack.orgId,
      name: 'viewer 2',
      role: 'viewer',
    });
    const asViewer = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, {
      token: viewer,
      body: { app: 'gitea' },
    });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error.code).toBe('AUTH_INSUFFICIENT');
    const other = await stack.newTenant('apps-other');
    const theirs = await stack.api(`/v1/orchestrator/stacks/${id}/apps`, {
      token: other.token,
      body: { app: 'gitea' },
    });
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain('apps-auth');
    expect((await stack.api(`/v1/orchestrator/stacks/${id}/spec`)).body.data.version).toBe(1);
  });
});
