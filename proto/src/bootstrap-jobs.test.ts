import { describe, expect, it } from 'vitest';
import { bootstrapTimezone, nodeBootstrapResult } from './bootstrap-jobs.ts';
import { isJobType, parseJobParams } from './jobs.ts';

const steps = [
  { step: 'timezone', timezone: 'Europe/Berlin' },
  { step: 'packages', auto_updates: true },
  { step: 'ssh-hardening', port: 22, password_authentication: false, permit_root_login: 'prohibit-password' },
  {
    step: 'firewall',
    enabled: true,
    allow: [
      { port: 22, protocol: 'tcp', reason: 'ssh' },
      { port: 53, protocol: 'udp', reason: 'adguard' },
      { port: 8080 },
    ],
  },
  {
    step: 'docker',
    dns: ['1.1.1.1', '2606:4700:4700::1111'],
    log_options: { 'max-file': '3', 'max-size': '10m' },
  },
];

function pathsOf(res: ReturnType<typeof parseJobParams>): string[] {
  return res.ok ? [] : res.issues.map((i) => i.path);
}

describe('node.bootstrap params', () => {
  it('is a registered job type', () => {
    expect(isJobType('node.bootstrap')).toBe(true);
  });

  it('accepts every step and fills defaults', () => {
    const res = parseJobParams('node.bootstrap', { steps });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.dry_run).toBe(false);
    expect(res.value.ssh_keep_port).toBeUndefined();
    const parsed = res.value.steps as Record<string, unknown>[];
    expect(parsed[3]).toEqual({
      step: 'firewall',
      enabled: true,
      default_incoming: 'deny',
      allow: [
        { port: 22, protocol: 'tcp', reason: 'ssh' },
        { port: 53, protocol: 'udp', reason: 'adguard' },
        { port: 8080, protocol: 'tcp', reason: '' },
      ],
    });
    expect(parsed[4]).toMatchObject({ log_driver: 'json-file' });
  });

  it('accepts a single step, a dry run and ssh_keep_port', () => {
    const res = parseJobParams('node.bootstrap', {
      steps: [{ step: 'firewall', enabled: false }],
      dry_run: true,
      ssh_keep_port: 2222,
    });
    expect(res).toEqual({
      ok: true,
      value: {
        steps: [{ step: 'firewall', enabled: false, default_incoming: 'deny', allow: [] }],
        dry_run: true,
        ssh_keep_port: 2222,
      },
    });
  });

  it.each([
    ['Europe/Berlin', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Etc/GMT+5', true],
    ['America/Port-au-Prince', true],
    ['../etc/passwd', false],
    ['/etc/passwd', false],
    ['Europe/', false],
    ['Europe/../../etc', false],
    ['Europe Berlin', false],
    ['', false],
    ['A/b/c/d', false],
  ])('timezone %j: valid %s', (tz, valid) => {
    expect(bootstrapTimezone.safeParse(tz).success).toBe(valid);
  });

  it('names the field of a bad timezone', () => {
    const res = parseJobParams('node.bootstrap', { steps: [{ step: 'timezone', timezone: '../x' }] });
    expect(pathsOf(res)).toEqual(['params.steps[0].timezone']);
  });

  it('gives field paths for bad ssh, firewall and docker steps', () => {
    const res = parseJobParams('node.bootstrap', {
      steps: [
        { step: 'ssh-hardening', port: 0, password_authentication: false, permit_root_login: 'maybe' },
        { step: 'firewall', enabled: true, allow: [{ port: 22 }, { port: 70000, protocol: 'icmp' }] },
        { step: 'docker', dns: ['dns.example.com'], log_options: { 'max-file': '0', 'max-size': '10m' } },
      ],
    });
    expect(pathsOf(res).sort()).toEqual([
      'params.steps[0].permit_root_login',
      'params.steps[0].port',
      'params.steps[1].allow[1].port',
      'params.steps[1].allow[1].protocol',
      'params.steps[2].dns[0]',
      'params.steps[2].log_options.max-file',
    ]);
  });

  it('limits the allow list to 256 rules', () => {
    const allow = Array.from({ length: 257 }, (_, i) => ({ port: i + 1 }));
    const res = parseJobParams('node.bootstrap', {
      steps: [{ step: 'firewall', enabled: true, allow }],
      ssh_keep_port: 22,
    });
    expect(pathsOf(res)).toEqual(['params.steps[0].allow']);
    const fits = parseJobParams('node.bootstrap', {
      steps: [{ step: 'firewall', enabled: true, allow: allow.slice(0, 256) }],
      ssh_keep_port: 22,
    });
    expect(fits.ok).toBe(true);
  });

  it('refuses unknown fields, unknown steps, the plan-only steps and camelCase names', () => {
    expect(pathsOf(parseJobParams('node.bootstrap', { steps, force: true }))).toEqual(['params']);
    expect(pathsOf(parseJobParams('node.bootstrap', { steps: [{ step: 'swarm', role: 'worker' }] }))).toEqual(
      ['params.steps[0].step'],
    );
    expect(
      pathsOf(parseJobParams('node.bootstrap', { steps: [{ step: 'packages', autoUpdates: true }] })),
    ).toEqual(expect.arrayContaining(['params.steps[0].auto_updates']));
    expect(parseJobParams('node.bootstrap', { steps: [{ step: 'packages', autoUpdates: true }] }).ok).toBe(
      false,
    );
  });

  it('refuses an empty step list and a step given twice', () => {
    expect(pathsOf(parseJobParams('node.bootstrap', { steps: [] }))).toEqual(['params.steps']);
    const twice = parseJobParams('node.bootstrap', {
      steps: [
        { step: 'packages', auto_updates: true },
        { step: 'packages', auto_updates: false },
      ],
    });
    expect(pathsOf(twice)).toEqual(['params.steps[1].step']);
  });

  it('refuses a firewall that could close the SSH port it does not know', () => {
    const res = parseJobParams('node.bootstrap', { steps: [{ step: 'firewall', enabled: true }] });
    expect(pathsOf(res)).toEqual(['params.steps[0]']);
    if (!res.ok) expect(res.issues[0]?.message).toMatch(/SSH port/);
    // Turning the firewall off cannot close anything.
    expect(parseJobParams('node.bootstrap', { steps: [{ step: 'firewall', enabled: false }] }).ok).toBe(true);
  });

  it('refuses a bad ssh_keep_port and a non-boolean dry_run', () => {
    const res = parseJobParams('node.bootstrap', { steps, ssh_keep_port: 65536, dry_run: 'yes' });
    expect(pathsOf(res).sort()).toEqual(['params.dry_run', 'params.ssh_keep_port']);
  });

  it('refuses firewall reasons that could break out of an nft comment', () => {
    const res = parseJobParams('node.bootstrap', {
      steps: [{ step: 'firewall', enabled: true, allow: [{ port: 1, reason: 'x" accept; #' }] }],
      ssh_keep_port: 22,
    });
    expect(pathsOf(res)).toEqual(['params.steps[0].allow[0].reason']);
  });
});

describe('node.bootstrap result', () => {
  it('parses a report and refuses an unknown step name', () => {
    const ok = {
      steps: [{ step: 'docker', changed: true, before: '{}', after: '{"dns":[]}', detail: 'x' }],
      changed: 1,
    };
    expect(nodeBootstrapResult.safeParse(ok).success).toBe(true);
    const bad = { steps: [{ step: 'vpn', changed: false, before: '', after: '' }], changed: 0 };
    expect(nodeBootstrapResult.safeParse(bad).success).toBe(false);
  });
});
