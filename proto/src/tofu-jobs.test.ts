import { describe, expect, it } from 'vitest';
import { parseJobParams } from './jobs.ts';
import { TOFU_FILE_MAX_BYTES, TOFU_FILES_MAX_BYTES, tofuFileName } from './tofu-jobs.ts';

const backend = {
  address: 'https://edge.example.com/v1/tofu-state/stk_1',
  lock_address: 'https://edge.example.com/v1/tofu-state/stk_1',
  unlock_address: 'https://edge.example.com/v1/tofu-state/stk_1',
  username: 'kombify',
  password: 'secret',
};

function pathsOf(res: ReturnType<typeof parseJobParams>): string[] {
  return res.ok ? [] : res.issues.map((i) => i.path);
}

describe('tofu.plan params', () => {
  it('accepts config, variables and a backend, and fills defaults', () => {
    const res = parseJobParams('tofu.plan', {
      stack: 'stk_1',
      files: { 'main.tf': 'resource "terraform_data" "x" {}', 'extra.tf.json': '{}', 'prod.tfvars': 'a = 1' },
      vars: { region: 'home', 'with-dash': 'x' },
      backend,
    });
    expect(res).toEqual({
      ok: true,
      value: expect.objectContaining({ workspace: 'default', destroy: false, backend }),
    });
  });

  it.each([
    ['../main.tf'],
    ['dir/main.tf'],
    ['dir\\main.tf'],
    ['.hidden.tf'],
    ['a..tf'],
    ['main.tfstate'],
    ['main.sh'],
    ['main.tf.bak'],
    [''],
    [`${'a'.repeat(130)}.tf`],
  ])('refuses the file name %j', (name) => {
    expect(tofuFileName.safeParse(name).success).toBe(false);
    const res = parseJobParams('tofu.plan', { stack: 's', files: { 'main.tf': '', [name]: 'x' } });
    expect(res.ok).toBe(false);
  });

  it('reports the offending file name in the path', () => {
    const res = parseJobParams('tofu.plan', { stack: 's', files: { 'main.tf': '', '../../etc/x.tf': '' } });
    expect(pathsOf(res)).toContain('params.files.../../etc/x.tf');
  });

  it('needs at least one configuration file', () => {
    const res = parseJobParams('tofu.plan', { stack: 's', files: { 'a.tfvars': 'x = 1' } });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues[0]?.message).toMatch(/configuration file/);
    expect(parseJobParams('tofu.plan', { stack: 's', files: {} }).ok).toBe(false);
  });

  it('limits each file and the total size', () => {
    const big = 'x'.repeat(TOFU_FILE_MAX_BYTES + 1);
    expect(pathsOf(parseJobParams('tofu.plan', { stack: 's', files: { 'main.tf': big } }))).toEqual([
      'params.files.main.tf',
    ]);
    const half = 'x'.repeat(TOFU_FILE_MAX_BYTES);
    const files: Record<string, string> = {};
    for (let i = 0; i <= TOFU_FILES_MAX_BYTES / TOFU_FILE_MAX_BYTES; i++) files[`f${i}.tf`] = half;
    const res = parseJobParams('tofu.plan', { stack: 's', files });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues[0]?.message).toMatch(/add up to/);
  });

  it('refuses stack and workspace names that could leave the stack directory', () => {
    for (const stack of ['..', '.', 'a/b', 'a..b', '']) {
      expect(parseJobParams('tofu.plan', { stack, files: { 'main.tf': '' } }).ok).toBe(false);
    }
    expect(
      pathsOf(parseJobParams('tofu.plan', { stack: 's', workspace: '../x', files: { 'main.tf': '' } })),
    ).toEqual(['params.workspace']);
  });

  it('refuses a backend that is not http(s) or misses the credential', () => {
    const res = parseJobParams('tofu.plan', {
      stack: 's',
      files: { 'main.tf': '' },
      backend: { ...backend, address: 'file:///etc/passwd', password: undefined },
    });
    expect(pathsOf(res)).toEqual(
      expect.arrayContaining(['params.backend.address', 'params.backend.password']),
    );
  });

  it('refuses bad variable names and unknown fields', () => {
    const res = parseJobParams('tofu.plan', {
      stack: 's',
      files: { 'main.tf': '' },
      vars: { '1bad': 'x' },
      extra: true,
    });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['unrecognized_keys']));
      expect(pathsOf(res)).toContain('params.vars.1bad');
    }
  });
});

describe('tofu.apply params', () => {
  it('needs the plan hash the plan reported', () => {
    const sha = 'a'.repeat(64);
    expect(parseJobParams('tofu.apply', { stack: 's', plan_sha256: sha })).toEqual({
      ok: true,
      value: { stack: 's', workspace: 'default', plan_sha256: sha, lock_timeout_s: 0 },
    });
    expect(pathsOf(parseJobParams('tofu.apply', { stack: 's', plan_sha256: 'A'.repeat(64) }))).toEqual([
      'params.plan_sha256',
    ]);
    expect(pathsOf(parseJobParams('tofu.apply', { stack: 's' }))).toEqual(['params.plan_sha256']);
  });
});
