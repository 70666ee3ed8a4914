/** The policy file (issue 20, H2): defaults, and refusals that name the field at fault. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultPolicy,
  defaultPolicyPath,
  defaultPolicyText,
  loadPolicy,
  writableByOthers,
} from './policy.ts';

function policyFile(content: unknown, mode = 0o644): string {
  const path = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

function errorOf(path: string): string {
  const loaded = loadPolicy(path);
  if (loaded.ok) throw new Error(`expected ${path} to be refused`);
  return loaded.error;
}

describe('loadPolicy', () => {
  it('H2 a node without a policy file gets the built-in default: workflow jobs only', () => {
    const loaded = loadPolicy(join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json'));
    expect(loaded).toMatchObject({ ok: true, source: 'default' });
    expect(defaultPolicy).toMatchObject({ version: 1, raw_jobs: false, opentofu: false, terminals: false });
    expect(defaultPolicy.job_types).toEqual(
      expect.arrayContaining([
        'node.prechecks',
        'node.bootstrap',
        'stack.converge',
        'stack.verify',
        'stack.remove',
      ]),
    );
    for (const t of ['docker.run', 'docker.remove', 'tofu.plan', 'tofu.apply', 'sim.node.create'])
      expect(defaultPolicy.job_types).not.toContain(t);
    expect(defaultPolicy.bind_mounts.allowed_prefixes).toEqual([]);
  });

  it('reads the default file as the default, and fills fields a file leaves out', () => {
    expect(loadPolicy(policyFile(defaultPolicyText()))).toEqual({
      ok: true,
      policy: defaultPolicy,
      path: expect.any(String),
      source: 'file',
    });
    const loaded = loadPolicy(policyFile({ version: 1, raw_jobs: true }));
    expect(loaded.ok && loaded.policy).toEqual({ ...defaultPolicy, raw_jobs: true });
  });

  it('H2 names the field path of every problem', () => {
    const error = errorOf(
      policyFile({
        version: 1,
        job_types: ['stack.converge', 'docker.rnu', 'tofu.apply'],
        raw_jobs: 'yes',
        bind_mounts: {
          allowed_prefixes: ['/srv', 'data/x', '/srv/../etc'],
          docker_socket: [{ service: 'a b' }],
        },
        shell: true,
      }),
    );
    expect(error).toContain('job_types.1: unknown job type "docker.rnu"');
    expect(error).toContain('job_types.2: tofu.apply is not listed here: set "opentofu": true instead');
    expect(error).toMatch(/raw_jobs: .*boolean/);
    expect(error).toContain('bind_mounts.allowed_prefixes.1: must be an absolute path');
    expect(error).toContain('bind_mounts.allowed_prefixes.2: must not contain ".."');
    expect(error).toContain('bind_mounts.docker_socket.0.service: must be a service name');
    expect(error).toMatch(/shell/);
  });

  it('H2 refuses a file without a version, one that is not JSON, and one others may write', () => {
    expect(errorOf(policyFile({ raw_jobs: false }))).toMatch(/version: /);
    expect(errorOf(policyFile('{"version": 1,'))).toMatch(/is not valid JSON/);
    expect(errorOf(policyFile({ version: 1 }, 0o666))).toMatch(/can be changed by other users \(mode 666\)/);
  });

  it("H2 takes the file only from root or the agent's own user, never writable by others", () => {
    expect(writableByOthers('/p', { mode: 0o100644, uid: 0 }, 1000)).toBeNull();
    expect(writableByOthers('/p', { mode: 0o100600, uid: 1000 }, 1000)).toBeNull();
    expect(writableByOthers('/p', { mode: 0o100644, uid: 1001 }, 0)).toMatch(/belongs to user 1001/);
    expect(writableByOthers('/p', { mode: 0o100664, uid: 0 }, 0)).toMatch(/mode 664/);
  });

  it('lives in /etc/kombify as root, in the data dir otherwise, or where KOMBIFY_AGENT_POLICY says', () => {
    expect(defaultPolicyPath('/d', { KOMBIFY_AGENT_POLICY: '/x/p.json' })).toBe('/x/p.json');
    const expected = process.getuid?.() === 0 ? '/etc/kombify/policy.json' : '/d/policy.json';
    expect(defaultPolicyPath('/d', {})).toBe(expected);
  });
});
