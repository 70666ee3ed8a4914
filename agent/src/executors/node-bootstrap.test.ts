import { type NodeBootstrapInput, type NodeBootstrapResult, parseJobParams } from '@kombify/proto/jobs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeNode } from './bootstrap/fake-node.ts';
import { rulesetPath } from './bootstrap/firewall.ts';
import { autoUpgradesPath } from './bootstrap/packages.ts';
import { sshDropInPath } from './bootstrap/ssh.ts';
import type { ExecContext } from './context.ts';
import { capabilities, execute } from './index.ts';
import { JobFailure } from './job-error.ts';
import { nodeBootstrap } from './node-bootstrap.ts';

const allSteps: NodeBootstrapInput['steps'] = [
  { step: 'timezone', timezone: 'Europe/Berlin' },
  { step: 'packages', auto_updates: true },
  { step: 'ssh-hardening', port: 22, password_authentication: false, permit_root_login: 'prohibit-password' },
  { step: 'firewall', enabled: true, allow: [{ port: 443, protocol: 'tcp', reason: 'traefik' }] },
  { step: 'docker', dns: ['1.1.1.1'], log_options: { 'max-file': '3', 'max-size': '10m' } },
];

let node: FakeNode;
beforeEach(() => {
  node = new FakeNode();
});
afterEach(() => node.cleanup());

function context() {
  const logs: string[] = [];
  const ctx: ExecContext = {
    jobId: 'job_test',
    signal: new AbortController().signal,
    log: (stream, text) => logs.push(`${stream}: ${text}`),
    progress: () => {},
    fetchSecrets: async () => ({}),
  };
  return { ctx, logs };
}

/** Runs the executor on the fake node; `logs` collects what the job logged. */
async function bootstrap(
  input: Partial<NodeBootstrapInput> = {},
  logs: string[] = [],
): Promise<NodeBootstrapResult> {
  const parsed = parseJobParams('node.bootstrap', { steps: allSteps, ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const params = parsed.value as Parameters<typeof nodeBootstrap>[0];
  const c = context();
  try {
    return (await nodeBootstrap(params, c.ctx, { root: node.root, run: node.run })) as NodeBootstrapResult;
  } finally {
    logs.push(...c.logs);
  }
}

async function failure(p: Promise<unknown>): Promise<JobFailure> {
  try {
    await p;
  } catch (error) {
    if (error instanceof JobFailure) return error;
    throw error;
  }
  throw new Error('expected the job to fail');
}

describe('node.bootstrap', () => {
  it('applies every step, then a second run with the same params changes nothing', async () => {
    const first = await bootstrap();
    expect(first.steps.map((s) => [s.step, s.changed])).toEqual([
      ['timezone', true],
      ['packages', true],
      ['ssh-hardening', true],
      ['firewall', true],
      ['docker', true],
    ]);
    expect(first.changed).toBe(5);
    expect(node.read('/etc/timezone')).toBe('Europe/Berlin\n');
    expect(node.read(autoUpgradesPath)).toContain('APT::Periodic::Unattended-Upgrade "1";');
    expect(node.read(sshDropInPath)).toContain('PasswordAuthentication no\n');
    expect(node.nftLoaded).toBe(node.read(rulesetPath));
    expect(node.calls).toContain('kill -HUP 4242');
    expect(first.steps[4]?.detail).toBe('takes effect when the Docker daemon restarts');

    node.calls.length = 0;
    const second = await bootstrap();
    expect(second.changed).toBe(0);
    for (const s of second.steps) {
      expect(s.changed, s.step).toBe(false);
      expect(s.after, s.step).toBe(s.before);
    }
    // Nothing was written or reloaded the second time.
    expect(node.calls.filter((c) => /^(kill|nft -f|nft -c|sshd -t)/.test(c))).toEqual([]);
  });

  it('a dry run reports the diff and touches nothing', async () => {
    const before = { tz: node.read('/etc/timezone'), docker: node.read('/etc/docker/daemon.json') };
    const res = await bootstrap({ dry_run: true });
    expect(res.changed).toBe(5);
    expect(node.read('/etc/timezone')).toBe(before.tz);
    expect(node.read('/etc/docker/daemon.json')).toBe(before.docker);
    expect(node.read(sshDropInPath)).toBeNull();
    expect(node.read(autoUpgradesPath)).toBeNull();
    expect(node.nftLoaded).toBeNull();
    expect(node.calls.some((c) => c.startsWith('kill') || c.startsWith('nft -f'))).toBe(false);
    // The kernel still checks the ruleset a real run would load.
    expect(node.calls.some((c) => c.startsWith('nft -c -f'))).toBe(true);
    const tz = res.steps[0]!;
    expect(tz.before).toContain('/etc/timezone: Etc/UTC');
    expect(tz.after).toContain('/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin');
    expect(res.steps[2]?.before).toBe('(absent)');
    expect(res.steps[2]?.after).toContain('PermitRootLogin prohibit-password');
  });

  it('keeps the keys of daemon.json it does not own', async () => {
    await bootstrap({ steps: [allSteps[4]!] });
    expect(JSON.parse(node.read('/etc/docker/daemon.json')!)).toEqual({
      'registry-mirrors': ['http://10.0.0.1:5000'],
      'log-driver': 'json-file',
      'log-opts': { 'max-file': '3', 'max-size': '10m' },
      dns: ['1.1.1.1'],
    });
  });

  it('refuses a time zone that has no zoneinfo file', async () => {
    const f = await failure(bootstrap({ steps: [{ step: 'timezone', timezone: 'Mars/Olympus' }] }));
    expect(f.code).toBe('bootstrap_failed');
    expect(f.message).toMatch(/^timezone: unknown time zone "Mars\/Olympus"/);
    expect(node.read('/etc/timezone')).toBe('Etc/UTC\n');
  });

  it('fails the packages step when unattended-upgrades is missing, naming what ran before it', async () => {
    node.unattendedUpgrades = false;
    const f = await failure(bootstrap());
    expect(f.message).toMatch(/^packages: .*unattended-upgrades package is not installed/);
    expect(f.message).toContain('already applied: timezone');
    // Later steps did not run.
    expect(node.read(sshDropInPath)).toBeNull();
    // Turning updates off needs no package.
    const off = await bootstrap({ steps: [{ step: 'packages', auto_updates: false }] });
    expect(off.steps[0]?.changed).toBe(true);
    expect(node.read(autoUpgradesPath)).toContain('APT::Periodic::Update-Package-Lists "0";');
  });

  it('refuses PasswordAuthentication no when nobody has a key', async () => {
    node.file('/root/.ssh/authorized_keys', '# no keys yet\n\n');
    const steps = [allSteps[2]!];
    expect((await failure(bootstrap({ steps }))).message).toMatch(/nobody could log in/);
    // A user's key in /home counts.
    node.file('/home/ada/.ssh/authorized_keys', 'ssh-ed25519 AAAA ada\n');
    expect((await bootstrap({ steps })).steps[0]?.changed).toBe(true);
  });

  it("does not count root's keys when root may not log in", async () => {
    const steps: NodeBootstrapInput['steps'] = [
      { step: 'ssh-hardening', port: 22, password_authentication: false, permit_root_login: 'no' },
    ];
    expect((await failure(bootstrap({ steps }))).message).toMatch(/root may not log in/);
  });

  it('puts the previous drop-in back when sshd -t refuses the new one', async () => {
    node.file(sshDropInPath, 'Port 22\n');
    node.sshdTestError = '/etc/ssh/sshd_config.d/50-kombify.conf line 2: Bad configuration option';
    const f = await failure(bootstrap({ steps: [allSteps[2]!] }));
    expect(f.message).toMatch(/sshd -t refused the configuration: .*Bad configuration option/);
    expect(node.read(sshDropInPath)).toBe('Port 22\n');
    expect(node.calls.some((c) => c.startsWith('kill'))).toBe(false);
  });

  it('fails, with no file left behind, when an earlier sshd file overrides a setting', async () => {
    node.sshdEarlier = { passwordauthentication: 'yes' };
    const f = await failure(bootstrap({ steps: [allSteps[2]!] }));
    expect(f.message).toMatch(/passwordauthentication is yes \(want no\)/);
    expect(node.read(sshDropInPath)).toBeNull();
  });

  it('a dry run has sshd check a copy of its configuration, so an overriding earlier file shows', async () => {
    node.file('/etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n');
    node.file('/etc/ssh/sshd_config.d/00-site.conf', 'PasswordAuthentication yes\n');
    node.sshdEarlier = { passwordauthentication: 'yes' };
    const f = await failure(bootstrap({ steps: [allSteps[2]!], dry_run: true }));
    expect(f.message).toMatch(
      /^dry run: ssh-hardening: sshd would not use these settings: passwordauthentication is yes/,
    );
    // sshd read the copy: its Include moved to the copy's directory, with the node's file and ours.
    const [copy] = node.sshdCopies;
    expect(copy?.config).toMatch(/^Include \/.*kombify-sshd-[^/]+\/sshd_config\.d\/\*\.conf\nUsePAM yes\n$/);
    expect(copy?.dropIns).toEqual(['00-site.conf', '50-kombify.conf']);
    expect(node.read(sshDropInPath)).toBeNull();
    expect(node.calls.some((c) => c.startsWith('kill'))).toBe(false);
    // Without the override, the same dry run passes and still writes nothing.
    node.sshdEarlier = {};
    const res = await bootstrap({ steps: [allSteps[2]!], dry_run: true });
    expect(res.steps[0]).toMatchObject({ step: 'ssh-hardening', changed: true });
    expect(node.read(sshDropInPath)).toBeNull();
  });

  it('reloads ssh through systemd where systemd runs', async () => {
    node.systemd();
    const res = await bootstrap({ steps: [allSteps[2]!] });
    expect(res.steps[0]?.detail).toBe('reloaded ssh.service');
    expect(node.calls).toContain('systemctl reload ssh');
    expect(node.calls.some((c) => c.startsWith('kill'))).toBe(false);
  });

  it('keeps the current SSH port listening and open when SSH moves', async () => {
    const steps: NodeBootstrapInput['steps'] = [
      {
        step: 'ssh-hardening',
        port: 2222,
        password_authentication: false,
        permit_root_login: 'prohibit-password',
      },
      { step: 'firewall', enabled: true, allow: [] },
    ];
    await bootstrap({ steps, ssh_keep_port: 22 });
    expect(node.read(sshDropInPath)).toMatch(/^Port 2222\nPort 22\n/m);
    const ruleset = node.read(rulesetPath)!;
    expect(ruleset).toContain('tcp dport 2222 accept comment "ssh"');
    expect(ruleset).toContain('tcp dport 22 accept comment "ssh"');
  });

  it('fails the firewall step clearly where nft is missing', async () => {
    node.notInstalled.add('nft');
    const f = await failure(bootstrap({ steps: [allSteps[3]!], ssh_keep_port: 22 }));
    expect(f.message).toBe('firewall: nftables is not installed on this node (apt-get install nftables)');
    expect(node.read(rulesetPath)).toBeNull();
  });

  it('does not load or keep a ruleset nft -c refuses', async () => {
    node.nftCheckError = 'Error: syntax error';
    const f = await failure(bootstrap({ steps: [allSteps[3]!], ssh_keep_port: 22 }));
    expect(f.message).toMatch(/nft refused the ruleset: Error: syntax error/);
    expect(node.read(rulesetPath)).toBeNull();
    expect(node.nftLoaded).toBeNull();
  });

  it('loads the ruleset again when the file is there but the table is not (after a reboot)', async () => {
    const steps = [allSteps[3]!];
    await bootstrap({ steps, ssh_keep_port: 22 });
    node.nftLoaded = null;
    const res = await bootstrap({ steps, ssh_keep_port: 22 });
    expect(res.steps[0]?.changed).toBe(true);
    expect(res.steps[0]?.before).toContain('# table inet kombify: not loaded');
    expect(node.nftLoaded).not.toBeNull();
  });

  it('a disabled firewall removes the table and the file, then stays unchanged', async () => {
    await bootstrap({ steps: [allSteps[3]!], ssh_keep_port: 22 });
    const off: NodeBootstrapInput['steps'] = [{ step: 'firewall', enabled: false }];
    expect((await bootstrap({ steps: off })).steps[0]?.changed).toBe(true);
    expect(node.nftLoaded).toBeNull();
    expect(node.read(rulesetPath)).toBeNull();
    expect((await bootstrap({ steps: off })).steps[0]?.changed).toBe(false);
  });

  it('a dry run checks every step and names each one that cannot be applied', async () => {
    node.unattendedUpgrades = false;
    node.notInstalled.add('nft');
    const f = await failure(bootstrap({ dry_run: true }));
    expect(f.message).toMatch(/^dry run: packages: .*; firewall: nftables is not installed/);
  });

  it('does not overwrite a daemon.json that is not JSON', async () => {
    node.file('/etc/docker/daemon.json', '{ "log-driver": ');
    const f = await failure(bootstrap({ steps: [allSteps[4]!] }));
    expect(f.message).toMatch(/daemon.json is not valid JSON/);
    expect(node.read('/etc/docker/daemon.json')).toBe('{ "log-driver": ');
  });

  it('logs each step and the before/after of what changed', async () => {
    const logs: string[] = [];
    await bootstrap({ steps: [allSteps[2]!], dry_run: true }, logs);
    expect(logs[0]).toBe('system: ssh-hardening: would change');
    expect(logs[1]).toMatch(
      /^stdout: --- ssh-hardening before\n\(absent\)\n\+\+\+ ssh-hardening after\n# Managed/,
    );
  });

  it('is not confused by a file where a home directory would be', async () => {
    node.file('/home/notes', 'not a directory');
    expect((await bootstrap({ steps: [allSteps[2]!] })).steps[0]?.changed).toBe(true);
  });

  it('is an executor of this agent: execute() validates the params and runs it', async () => {
    expect(capabilities).toContain('node.bootstrap');
    const bad = await failure(execute('node.bootstrap', { steps: [] }, context().ctx));
    expect(bad.code).toBe('invalid_params');
    // A dry run with a zone no system has: the real executor only looks for the zone file.
    const dry = { steps: [{ step: 'timezone', timezone: 'Kombify/Nowhere' }], dry_run: true };
    const f = await failure(execute('node.bootstrap', dry, context().ctx));
    expect(f.code).toBe('bootstrap_failed');
    expect(f.message).toMatch(/unknown time zone "Kombify\/Nowhere"/);
  });
});
