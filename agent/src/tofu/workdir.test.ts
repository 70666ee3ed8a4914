import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redact } from './run-tofu.ts';
import { tofuEnv, varFileArgs } from './tofu-env.ts';
import { fileSha256, inWorkDir, stackWorkDir, syncFiles } from './workdir.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kombify-tofu-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('stackWorkDir', () => {
  it('puts each stack and workspace under <data dir>/stacks', () => {
    expect(stackWorkDir('/var/lib/k', 'stk_1', 'default')).toBe('/var/lib/k/stacks/stk_1/default');
  });
  it('refuses anything that would leave it', () => {
    expect(() => stackWorkDir('/d', '..', 'x')).toThrow(/outside/);
    expect(() => stackWorkDir('/d', 'a', '../../etc')).toThrow(/outside/);
    expect(() => stackWorkDir('/d', 'a/b', 'c')).toThrow(/outside/);
  });
});

describe('syncFiles', () => {
  it('writes the given files and removes files of an earlier run that are gone, nothing else', () => {
    const dir = join(scratch, 'sync');
    syncFiles(dir, { 'main.tf': 'a', 'old.tf': 'b' }, { '_kombify_backend.tf.json': '{}' });
    mkdirSync(join(dir, '.terraform'), { recursive: true });
    writeFileSync(join(dir, 'kombify.tfplan'), 'plan');
    writeFileSync(join(dir, 'terraform.tfstate'), '{}');

    const res = syncFiles(dir, { 'main.tf': 'a2', 'vars.tfvars': 'x = 1' });
    expect(res.removed.sort()).toEqual(['_kombify_backend.tf.json', 'old.tf']);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe('a2');
    expect(existsSync(join(dir, 'old.tf'))).toBe(false);
    expect(existsSync(join(dir, 'kombify.tfplan'))).toBe(true);
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(true);
    expect(existsSync(join(dir, '.terraform'))).toBe(true);
    expect(statSync(join(dir, 'main.tf')).mode & 0o777).toBe(0o600);
  });

  it('refuses a name that is not a plain OpenTofu file name, before writing anything', () => {
    const dir = join(scratch, 'refuse');
    expect(() => syncFiles(dir, { 'ok.tf': 'x', '../escape.tf': 'x' })).toThrow(/refusing/);
    expect(existsSync(join(dir, 'ok.tf'))).toBe(false);
    expect(existsSync(join(scratch, 'escape.tf'))).toBe(false);
  });
});

describe('fileSha256', () => {
  it('hashes a file and says null when there is none', async () => {
    const path = join(scratch, 'h');
    writeFileSync(path, 'abc');
    expect(await fileSha256(path)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await fileSha256(join(scratch, 'missing'))).toBeNull();
  });
});

describe('inWorkDir', () => {
  it('runs work in one directory one after another, even when one fails', async () => {
    const order: string[] = [];
    const slow =
      (name: string, ms: number, fail = false) =>
      async () => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      };
    const a = inWorkDir('/x', slow('a', 30, true));
    const b = inWorkDir('/x', slow('b', 1));
    const c = inWorkDir('/y', slow('c', 1));
    await expect(a).rejects.toThrow('a');
    expect(await b).toBe('b');
    expect(await c).toBe('c');
    expect(order.indexOf('b:start')).toBeGreaterThan(order.indexOf('a:end'));
    expect(order.indexOf('c:start')).toBeLessThan(order.indexOf('a:end'));
  });
});

describe('tofuEnv', () => {
  it('passes the backend and variables only through the environment and drops inherited ones', () => {
    const env = tofuEnv(
      {
        PATH: '/bin',
        TF_HTTP_PASSWORD: 'node-own',
        TF_VAR_x: 'node',
        TF_CLI_ARGS_plan: '-destroy',
        HOME: '/root',
      },
      {
        backend: {
          address: 'https://e/v1/tofu-state/s',
          lock_address: 'https://e/v1/tofu-state/s',
          unlock_address: 'https://e/v1/tofu-state/s',
          username: 'kombify',
          password: 'pw',
        },
        vars: { greeting: 'hi' },
      },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/root',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_HTTP_ADDRESS: 'https://e/v1/tofu-state/s',
      TF_HTTP_LOCK_ADDRESS: 'https://e/v1/tofu-state/s',
      TF_HTTP_UNLOCK_ADDRESS: 'https://e/v1/tofu-state/s',
      TF_HTTP_USERNAME: 'kombify',
      TF_HTTP_PASSWORD: 'pw',
      TF_VAR_greeting: 'hi',
    });
    expect(tofuEnv({ TF_HTTP_ADDRESS: 'x' }, {})).toEqual({ TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
  });

  it('names the *.tfvars files OpenTofu would not load by itself, in order', () => {
    expect(varFileArgs(['main.tf', 'b.tfvars', 'terraform.tfvars', 'x.auto.tfvars', 'a.tfvars'])).toEqual([
      '-var-file=a.tfvars',
      '-var-file=b.tfvars',
    ]);
  });

  it('redacts secrets from log lines', () => {
    expect(redact('auth with hunter22 failed (hunter22)', ['hunter22'])).toBe('auth with *** failed (***)');
    expect(redact('abc', ['b'])).toBe('abc');
  });
});
