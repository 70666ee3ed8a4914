import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './testing.ts';

afterAll(removeTempDirs);

describe('stackkit status', { timeout: 60_000 }, () => {
  it('--json: the spec, what is in deploy/ and whether it still matches, no state yet', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '--name', 'lab'], { cwd })).code).toBe(0);
    const before = await runCli(['status', '--json'], { cwd });
    expect(before.code, before.stderr).toBe(0);
    const doc = JSON.parse(before.stdout);
    expect(doc.spec).toMatchObject({
      file: 'kombination.yaml',
      exists: true,
      valid: true,
      name: 'lab',
      kit: 'base-homelab',
      variant: 'default',
    });
    expect(doc.spec.nodes).toEqual([
      {
        name: 'server',
        type: 'main',
        provider: 'local',
        address: 'server',
        dockerHost: 'unix:///var/run/docker.sock',
      },
    ]);
    expect(doc.spec.services.map((s: { name: string }) => s.name)).toEqual([
      'traefik',
      'dokploy',
      'uptime-kuma',
      'dozzle',
      'whoami',
    ]);
    expect(doc.spec.services[0]).toMatchObject({
      nodes: ['server'],
      image: 'traefik:v3.1',
      url: 'http://server:8080',
    });
    expect(doc.deploy).toMatchObject({
      dir: 'deploy',
      exists: false,
      files: [],
      upToDate: null,
      initialized: false,
    });
    expect(doc.state).toBeNull();

    expect((await runCli(['generate'], { cwd })).code).toBe(0);
    const after = JSON.parse((await runCli(['status', '--json'], { cwd })).stdout);
    expect(after.deploy.files.map((f: { file: string }) => f.file)).toEqual([
      '.stackkit-manifest.json',
      'jobs.json',
      'main.tf.json',
      'plan.json',
    ]);
    expect(after.deploy.upToDate).toBe(true);
    expect(after.deploy.generatedBy).toMatchObject({
      spec: { file: '../kombination.yaml' },
      stack: { name: 'lab' },
    });

    const spec = join(cwd, 'kombination.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('cpu: 4', 'cpu: 6'));
    const changed = await runCli(['status'], { cwd });
    expect(changed.stdout).toContain('spec changed since (stackkit generate)');
  });

  it('summarises a state file: resources by type, outputs (sensitive hidden)', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '--name', 'lab'], { cwd })).code).toBe(0);
    mkdirSync(join(cwd, 'deploy'));
    writeFileSync(
      join(cwd, 'deploy', 'terraform.tfstate'),
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        serial: 7,
        outputs: { traefik_url: { value: 'http://server:8080' }, token: { value: 'x', sensitive: true } },
        resources: [
          {
            mode: 'managed',
            type: 'docker_container',
            instances: [{ attributes: { labels: [{ label: 'kombify.stack', value: 'lab' }] } }],
          },
          { mode: 'managed', type: 'docker_image', instances: [{}, {}] },
          { mode: 'data', type: 'docker_network', instances: [{}] },
        ],
      }),
    );
    const r = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(r.stdout).state).toMatchObject({
      terraformVersion: '1.11.4',
      serial: 7,
      resources: 3,
      byType: { docker_container: 1, docker_image: 2 },
      outputs: { traefik_url: 'http://server:8080', token: '(sensitive)' },
      stack: 'lab',
    });
    const human = await runCli(['status'], { cwd });
    expect(human.stdout).toMatch(/State\s+3 resource\(s\) \(docker_container 1, docker_image 2\), serial 7/);
  });

  it('exit 1 without a valid spec, still reporting the rest', async () => {
    const cwd = tempDir();
    const r = await runCli(['status', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      spec: { exists: false, valid: false },
      deploy: { exists: false },
      state: null,
    });
    writeFileSync(join(cwd, 'kombination.yaml'), 'name: lab\n');
    const invalid = await runCli(['status'], { cwd });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('invalid, 1 problem(s)');
  });
});
