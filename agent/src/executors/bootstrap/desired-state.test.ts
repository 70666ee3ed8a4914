/** The pure halves of the bootstrap steps: what each wants on the node, from its params. */
import { describe, expect, it } from 'vitest';
import { mergeDaemonConfig } from './docker-daemon.ts';
import { nftRuleset, renderFirewall } from './firewall.ts';
import { autoUpgradesFile } from './packages.ts';
import { effectiveMismatches, parseSshdDump, type SshParams, sshDropIn, sshPorts } from './ssh.ts';
import { desiredTimezone, renderTimezone } from './timezone.ts';

describe('timezone', () => {
  it('wants /etc/timezone and a link into zoneinfo', () => {
    expect(desiredTimezone('Europe/Berlin')).toEqual({
      name: 'Europe/Berlin',
      localtime: '/usr/share/zoneinfo/Europe/Berlin',
    });
    expect(renderTimezone({ name: null, localtime: '' })).toBe(
      '/etc/timezone: (absent)\n/etc/localtime -> (a file, not a link)\n',
    );
  });
});

describe('packages', () => {
  it('turns both APT::Periodic settings on or off together', () => {
    expect(autoUpgradesFile(true)).toMatch(
      /APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n$/,
    );
    expect(autoUpgradesFile(false)).toMatch(
      /APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";\n$/,
    );
  });
});

describe('ssh-hardening', () => {
  const p: SshParams = {
    step: 'ssh-hardening',
    port: 2222,
    password_authentication: false,
    permit_root_login: 'prohibit-password',
  };

  it('writes the port, the kept port and the login settings', () => {
    expect(sshDropIn(p, 22).split('\n').slice(1)).toEqual([
      'Port 2222',
      'Port 22',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      '',
    ]);
    // The same port kept is one Port line; password login on leaves keyboard-interactive alone.
    const open = sshDropIn({ ...p, port: 22, password_authentication: true, permit_root_login: 'yes' }, 22);
    expect(open.split('\n').slice(1)).toEqual([
      'Port 22',
      'PasswordAuthentication yes',
      'PermitRootLogin yes',
      '',
    ]);
    expect(sshPorts(22)).toEqual([22]);
  });

  it('reads sshd -T and names each setting that is not in effect', () => {
    const eff = parseSshdDump(
      'port 2222\nport 22\naddressfamily any\npasswordauthentication no\npermitrootlogin without-password\npidfile /run/sshd.pid\n',
    );
    expect(eff).toEqual({
      ports: [2222, 22],
      passwordauthentication: 'no',
      permitrootlogin: 'without-password',
      pidfile: '/run/sshd.pid',
    });
    expect(effectiveMismatches(eff, p, 22)).toEqual([]);
    expect(effectiveMismatches({ ...eff, ports: [22], passwordauthentication: 'yes' }, p)).toEqual([
      'port 2222 is not among 22',
      'passwordauthentication is yes (want no)',
    ]);
    expect(effectiveMismatches(eff, { ...p, permit_root_login: 'no' })).toEqual([
      'permitrootlogin is prohibit-password (want no)',
    ]);
  });
});

describe('firewall ruleset', () => {
  const allow = [
    { port: 22, protocol: 'tcp' as const, reason: 'ssh' },
    { port: 443, protocol: 'tcp' as const, reason: 'traefik' },
    { port: 53, protocol: 'udp' as const, reason: '' },
  ];
  const text = nftRuleset(allow, [2222, 22]);
  const lines = text.split('\n').map((l) => l.trim());
  const chain = (name: string) =>
    lines.slice(lines.indexOf(`chain ${name} {`), lines.indexOf('}', lines.indexOf(`chain ${name} {`)));

  it('replaces only its own table, in one transaction', () => {
    expect(lines).not.toContain('flush ruleset');
    const declare = lines.indexOf('table inet kombify {}');
    expect(lines[declare + 1]).toBe('delete table inet kombify');
    expect(lines[declare + 2]).toBe('table inet kombify {');
  });

  it('input: drops by default, accepts replies, loopback, ICMP, SSH once per port and the allow list', () => {
    const input = chain('input');
    expect(input[1]).toBe('type filter hook input priority filter; policy drop;');
    expect(input).toEqual(
      expect.arrayContaining([
        'ct state established,related accept',
        'iifname "lo" accept',
        'meta l4proto { icmp, ipv6-icmp } accept',
        'tcp dport 443 accept comment "traefik"',
        'udp dport 53 accept',
      ]),
    );
    expect(input.filter((l) => l.startsWith('tcp dport 22 '))).toEqual(['tcp dport 22 accept comment "ssh"']);
    expect(input).toContain('tcp dport 2222 accept comment "ssh"');
  });

  it('forward: published ports outside the allow list are dropped by their published port', () => {
    const forward = chain('forward');
    expect(forward[1]).toBe('type filter hook forward priority filter; policy accept;');
    expect(forward).toContain(
      'ct status dnat meta l4proto tcp ct original proto-dst 443 accept comment "traefik"',
    );
    expect(forward).toContain('ct status dnat meta l4proto udp ct original proto-dst 53 accept');
    // The catch-all comes last, after every accept.
    expect(forward.at(-1)).toBe(
      'ct status dnat ct state new drop comment "published port not in the allow list"',
    );
    expect(forward.indexOf('iifname "br-*" accept')).toBeLessThan(forward.length - 1);
  });

  it('is the same text for the same params (so a second run is unchanged)', () => {
    expect(nftRuleset(allow, [2222, 22])).toBe(text);
    expect(renderFirewall(text, true)).toBe(`${text}# table inet kombify: loaded\n`);
    expect(renderFirewall(null, false)).toBe('(absent)\n# table inet kombify: not loaded\n');
  });
});

describe('docker daemon.json', () => {
  const p = {
    step: 'docker' as const,
    dns: ['9.9.9.9'],
    log_driver: 'json-file' as const,
    log_options: { 'max-file': '3', 'max-size': '10m' },
  };

  it('sets its keys, keeps the others and replaces log options of another driver', () => {
    const current = {
      'registry-mirrors': ['http://m:5000'],
      'log-driver': 'journald',
      'log-opts': { tag: 'x' },
    };
    expect(mergeDaemonConfig(current, p)).toEqual({
      'registry-mirrors': ['http://m:5000'],
      'log-driver': 'json-file',
      'log-opts': { 'max-file': '3', 'max-size': '10m' },
      dns: ['9.9.9.9'],
    });
  });

  it('leaves dns alone when no servers are given', () => {
    expect(mergeDaemonConfig({ dns: ['10.0.0.53'] }, { ...p, dns: [] }).dns).toEqual(['10.0.0.53']);
    expect(mergeDaemonConfig({}, { ...p, dns: [] })).not.toHaveProperty('dns');
  });
});
