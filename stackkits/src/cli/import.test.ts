/** `stackkit import`, `apps` and `add` through the real bin/stackkit.js: files written, exit codes. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing.ts';

const compose =
  'services:\n  web:\n    image: nginx:1.27\n    ports: ["8081:80"]\n    environment:\n      ADMIN_PASSWORD: s3cret-value\n';

describe('stackkit import', { timeout: 60_000 }, () => {
  it('writes a valid spec, stores the secret value (0600), prints warnings with positions; exit 0', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'compose.yml'), compose);
    const r = await runCli(['import', 'compose.yml'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('compose.yml:6:23 warning secret services.web.environment.ADMIN_PASSWORD');
    const spec = readFileSync(join(cwd, 'kombination.yaml'), 'utf8');
    expect(spec).toContain('secret://web/admin-password');
    expect(spec).not.toContain('s3cret-value');
    const secrets = join(cwd, 'deploy', 'secrets.auto.tfvars.json');
    expect(JSON.parse(readFileSync(secrets, 'utf8'))).toEqual({
      'secret_web-x2f-admin-password': 's3cret-value',
    });
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect((await runCli(['validate'], { cwd })).code).toBe(0);
  });

  it('--json: {spec, warnings, errors}; merged into the -o spec with unique names', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'compose.yml'), compose);
    writeFileSync(
      join(cwd, 'other.yml'),
      'services:\n  web:\n    image: caddy:2.8.4\n    environment:\n      ADMIN_PASSWORD: s3cret-value\n',
    );
    writeFileSync(join(cwd, 'more.yml'), 'services:\n  worker:\n    image: example/w:1.0.0\n');
    expect((await runCli(['import', 'compose.yml', '-o', 'lab.yaml'], { cwd })).code).toBe(0);
    // The same host port twice is refused, with the compose line, and nothing is written.
    const clash = await runCli(['import', 'compose.yml', '-o', 'lab.yaml'], { cwd });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('compose.yml:4:12 error spec services.web.ports host port 8081/tcp');
    const r = await runCli(['import', 'other.yml', '-f', 'more.yml', '-o', 'lab.yaml', '--json'], { cwd });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, merged: true, services: ['web-2', 'worker'], errors: [] });
    expect(out.spec.services.map((s: { name: string }) => s.name)).toEqual(['web', 'web-2', 'worker']);
    expect(out.warnings.length).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('s3cret-value');
  });

  it('invalid compose: errors at their lines, exit 1, nothing written', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'compose.yml'),
      'services:\n  vpn:\n    image: a/vpn:1.0\n    privileged: true\n    network_mode: host\n',
    );
    const r = await runCli(['import', 'compose.yml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('compose.yml:4:5 error unsupported services.vpn.privileged');
    expect(r.stderr).toContain('compose.yml:5:19 error unsupported services.vpn.network_mode');
    expect(existsSync(join(cwd, 'kombination.yaml'))).toBe(false);
    writeFileSync(join(cwd, 'big.yml'), `services: {}\n#${'x'.repeat(5 * 1024 * 1024)}\n`);
    expect((await runCli(['import', 'big.yml'], { cwd })).code).toBe(1);
    expect(existsSync(join(cwd, 'kombination.yaml'))).toBe(false);
  });

  it('usage errors exit 2', async () => {
    const cwd = tempDir();
    expect((await runCli(['import'], { cwd })).code).toBe(2);
    expect((await runCli(['import', 'x.yml', '--kit', 'nope'], { cwd })).code).toBe(2);
    expect((await runCli(['import', 'x.yml', '--force'], { cwd })).code).toBe(2);
    expect((await runCli(['import', 'missing.yml'], { cwd })).code).toBe(1);
  });
});

describe('stackkit apps / add', { timeout: 60_000 }, () => {
  it('lists the catalog and adds an app with generated secrets', async () => {
    const cwd = tempDir();
    const list = await runCli(['apps', '--json'], { cwd });
    expect(JSON.parse(list.stdout).apps.length).toBeGreaterThanOrEqual(60);
    const r = await runCli(['add', 'vaultwarden'], { cwd });
    expect(r.code).toBe(0);
    const values = JSON.parse(readFileSync(join(cwd, 'deploy', 'secrets.auto.tfvars.json'), 'utf8'));
    expect(values['secret_vaultwarden-x2f-admin-token']).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(readFileSync(join(cwd, 'kombination.yaml'), 'utf8')).not.toContain(
      values['secret_vaultwarden-x2f-admin-token'],
    );
    expect((await runCli(['add', 'vaultwarden'], { cwd })).code).toBe(1);
    expect((await runCli(['add', 'no-such-app'], { cwd })).code).toBe(2);
    expect((await runCli(['validate'], { cwd })).code).toBe(0);
  });
});
