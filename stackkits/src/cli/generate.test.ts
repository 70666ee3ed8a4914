import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const withSecret = `name: lab
kit: base-homelab
nodes:
  - name: server
    type: main
    resources: { cpu: 4, memory: 8Gi, disk: 100Gi }
services:
  - name: postgres
    type: database
    image: postgres:16-alpine
    environmentSecrets:
      POSTGRES_PASSWORD: secret://postgres/password
`;

function snapshot(dir: string): Record<string, { text: string; mtime: number }> {
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      { text: readFileSync(join(dir, f), 'utf8'), mtime: statSync(join(dir, f)).mtimeMs },
    ]),
  );
}

describe('stackkit generate', () => {
  it('writes the OpenTofu files, plan.json and jobs.json; a second run changes no byte', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '--name', 'lab'], { cwd })).code).toBe(0);
    const first = await runCli(['generate'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    for (const f of ['main.tf.json', 'plan.json', 'jobs.json'])
      expect(first.stdout).toContain(`wrote     deploy/${f}`);
    const deploy = join(cwd, 'deploy');
    expect(readdirSync(deploy).sort()).toEqual([
      '.stackkit-manifest.json',
      'jobs.json',
      'main.tf.json',
      'plan.json',
    ]);
    const main = JSON.parse(readFileSync(join(deploy, 'main.tf.json'), 'utf8'));
    expect(main.terraform.required_providers.docker.source).toBe('kreuzwerker/docker');
    expect(JSON.parse(readFileSync(join(deploy, 'plan.json'), 'utf8')).format).toBe('kombify.plan/v1');
    expect(JSON.parse(readFileSync(join(deploy, 'jobs.json'), 'utf8')).format).toBe('kombify.jobplan/v1');

    const before = snapshot(deploy);
    const second = await runCli(['generate', '--json'], { cwd });
    expect(second.code, second.stderr).toBe(0);
    const doc = JSON.parse(second.stdout);
    expect(doc).toMatchObject({
      ok: true,
      dir: 'deploy',
      stack: { name: 'lab', kit: 'base-homelab', variant: 'default' },
    });
    expect(doc.files.map((f: { status: string }) => f.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(snapshot(deploy)).toEqual(before);
  });

  it('removes the files it wrote earlier that are no longer produced, and nothing else', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kombination.yaml'), withSecret);
    expect((await runCli(['generate'], { cwd })).code).toBe(0);
    const deploy = join(cwd, 'deploy');
    expect(existsSync(join(deploy, 'variables.tf.json'))).toBe(true);
    writeFileSync(join(deploy, 'notes.txt'), 'mine');
    writeFileSync(join(cwd, 'kombination.yaml'), withSecret.replace(/ {4}environmentSecrets:\n.*\n/, ''));
    const r = await runCli(['generate', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files).toContainEqual({
      file: 'variables.tf.json',
      bytes: 0,
      status: 'removed',
    });
    expect(existsSync(join(deploy, 'variables.tf.json'))).toBe(false);
    expect(readFileSync(join(deploy, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--output, --mirror and --image shape the files; bad values are usage errors', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '--name', 'lab'], { cwd })).code).toBe(0);
    const r = await runCli(
      [
        'generate',
        '--output',
        'out',
        '--mirror',
        'registry.local:5000',
        '--image',
        'whoami=localhost/whoami:test',
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(cwd, 'out', 'plan.json'), 'utf8'));
    const images = Object.fromEntries(
      plan.nodes[0].containers.map((c: { service: string; image: string }) => [c.service, c.image]),
    );
    expect(images.traefik).toBe('registry.local:5000/traefik:v3.1');
    expect(images.whoami).toBe('localhost/whoami:test');
    const manifest = JSON.parse(readFileSync(join(cwd, 'out', '.stackkit-manifest.json'), 'utf8'));
    expect(manifest.options).toEqual({
      mirror: 'registry.local:5000',
      images: { whoami: 'localhost/whoami:test' },
    });

    const badMirror = await runCli(['generate', '--mirror', 'not a registry'], { cwd });
    expect(badMirror.code).toBe(2);
    expect(badMirror.stderr).toContain('mirror must be a registry');
    const badImage = await runCli(['generate', '--image', 'whoami'], { cwd });
    expect(badImage.code).toBe(2);
    expect(badImage.stderr).toContain('--image wants service=image');
  });

  it('refuses an invalid spec with its errors (exit 1) and writes nothing', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kombination.yaml'), 'name: lab\nnodes: []\n');
    const r = await runCli(['generate'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kombination\.yaml:2:8 required nodes /m);
    expect(existsSync(join(cwd, 'deploy'))).toBe(false);
    const json = await runCli(['generate', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'invalid_spec' },
      errors: [{ path: 'nodes', code: 'required' }],
    });
  });
});
