import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listKits } from '../kit/registry.ts';
import { parseSpec } from '../spec/validate.ts';
import { stackNameFrom, starterSpec } from './starter.ts';
import { removeTempDirs, runCli, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const kitVariants = listKits().flatMap((k) => k.variants.map((v) => [k.name, v.name] as const));

describe('stackkit init', () => {
  it('without a kit: "StackKit name required", the kits listed, exit 2', async () => {
    const cwd = tempDir();
    const r = await runCli(['init'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('StackKit name required');
    for (const kit of listKits()) expect(r.stderr).toContain(kit.name);
    expect(existsSync(join(cwd, 'kombination.yaml'))).toBe(false);

    const json = await runCli(['init', '--json'], { cwd });
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('usage');
    expect(doc.kits.map((k: { name: string }) => k.name)).toEqual(listKits().map((k) => k.name));
  });

  it('writes a starter, refuses to overwrite it (exit 1), overwrites with --force', async () => {
    const cwd = tempDir();
    const first = await runCli(['init', 'base-homelab'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Wrote kombination.yaml');
    const file = join(cwd, 'kombination.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# my edit\n`);

    const again = await runCli(['init', 'base-homelab'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; use --force');
    expect(readFileSync(file, 'utf8')).toContain('# my edit');

    const forced = await runCli(['init', 'base-homelab', '--force', '--json'], { cwd });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      ok: true,
      file: 'kombination.yaml',
      kit: 'base-homelab',
      variant: 'default',
      overwritten: true,
    });
    expect(readFileSync(file, 'utf8')).not.toContain('# my edit');
  });

  it.each(kitVariants)('%s --variant %s: a spec that validate accepts', async (kit, variant) => {
    const cwd = tempDir();
    const r = await runCli(['init', kit, '--variant', variant, '--name', 'lab'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const v = await runCli(['validate', '--json'], { cwd });
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, name: 'lab', kit, variant, errors: [] });
  });

  it('writes to --output and under -C, naming the stack after the directory', async () => {
    const cwd = tempDir();
    const r = await runCli(['-C', cwd, 'init', 'ha-homelab', '--output', 'stacks/My Lab/spec.yaml'], {
      cwd: '/',
    });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'stacks/My Lab/spec.yaml'), 'utf8');
    expect(text).toContain('name: my-lab');
    expect(text).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+.*schema\/ha-homelab\.schema\.json$/m);
  });

  it('rejects an unknown kit or variant as usage errors (exit 2)', async () => {
    const cwd = tempDir();
    const kit = await runCli(['init', 'mega-homelab'], { cwd });
    expect(kit.code).toBe(2);
    expect(kit.stderr).toContain('unknown StackKit "mega-homelab"');
    const variant = await runCli(['init', 'base-homelab', '--variant', 'enterprise'], { cwd });
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain('variants: default, beszel, minimal, coolify');
  });
});

describe('starterSpec', () => {
  it.each(kitVariants)('%s/%s parses without errors', (kit, variant) => {
    expect(parseSpec(starterSpec({ kit, variant, name: 'lab' })).errors).toEqual([]);
  });

  it('derives stack names from directory names', () => {
    expect(stackNameFrom('My Lab')).toBe('my-lab');
    expect(stackNameFrom('stackkit-cli-AbC123')).toBe('stackkit-cli-abc123');
    expect(stackNameFrom('42')).toBeUndefined();
    expect(stackNameFrom('--x--')).toBeUndefined();
    expect(stackNameFrom('2fast-lab_')).toBe('fast-lab');
  });
});
