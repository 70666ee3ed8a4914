/**
 * The firewall step: one nftables table, `inet kombify` (IPv4 and IPv6), in
 * /etc/nftables.d/kombify.nft, loaded with `nft -f` after `nft -c -f` accepted it.
 *
 * Only our table is replaced, never the whole ruleset: `flush ruleset` would also wipe the rules
 * Docker keeps in its own tables (iptables-nft's `ip filter` / `ip nat`). The file declares the
 * table, deletes it and declares it again, which nft runs as one transaction: loading is atomic
 * and repeatable.
 *
 * Docker and nftables: every base chain on a hook sees the packet and a drop in any of them wins,
 * whatever the others accept. Our `input` chain (policy drop) filters what the host itself serves.
 * Traffic to a port Docker publishes never reaches `input`: Docker DNATs it in prerouting to the
 * container's address, so it passes the `forward` hook, where Docker's FORWARD rules accept it.
 * Our `forward` chain is therefore the DOCKER-USER equivalent: it drops new DNATed connections
 * whose original destination port (`ct original proto-dst`, the published port, not the
 * container's) is not in the allow list. It drops nothing else (policy accept), so container
 * egress, traffic between containers and Swarm overlay traffic keep Docker's own rules, and
 * containers still reach published ports of other containers (from a Docker bridge).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootstrapStepParams, FirewallRuleParams } from '@kombify/proto/jobs';
import { absent, type Host, StepError, type StepReport } from './host.ts';

export type FirewallParams = Extract<BootstrapStepParams, { step: 'firewall' }>;

export const rulesetPath = '/etc/nftables.d/kombify.nft';
const table = ['inet', 'kombify'];

/** Reasons are plain text (the params allow no quotes): a comment per rule. */
const comment = (reason: string) => (reason ? ` comment "${reason}"` : '');

export function nftRuleset(allow: readonly FirewallRuleParams[], sshPorts: readonly number[]): string {
  const ssh = sshPorts.map((port) => `    tcp dport ${port} accept comment "ssh"`);
  const open = allow
    .filter((r) => !(r.protocol === 'tcp' && sshPorts.includes(r.port)))
    .map((r) => `    ${r.protocol} dport ${r.port} accept${comment(r.reason)}`);
  const published = allow.map(
    (r) =>
      `    ct status dnat meta l4proto ${r.protocol} ct original proto-dst ${r.port} accept${comment(r.reason)}`,
  );
  return [
    '#!/usr/sbin/nft -f',
    '# Managed by kombify (node.bootstrap, firewall step); edits are overwritten.',
    '# Replaces only table inet kombify (declare, delete, declare: one transaction).',
    'table inet kombify {}',
    'delete table inet kombify',
    'table inet kombify {',
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    iifname "lo" accept',
    // ICMPv6 carries neighbour discovery: without it IPv6 stops working.
    '    meta l4proto { icmp, ipv6-icmp } accept',
    ...ssh,
    ...open,
    '  }',
    '  # Ports Docker publishes are DNATed to containers and never reach input: filter them here.',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    '    ct state established,related accept',
    '    iifname { "docker0", "docker_gwbridge" } accept',
    '    iifname "br-*" accept',
    ...published,
    '    ct status dnat ct state new drop comment "published port not in the allow list"',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function renderFirewall(file: string | null, loaded: boolean): string {
  return `${file ?? `${absent}\n`}# table inet kombify: ${loaded ? 'loaded' : 'not loaded'}\n`;
}

const firstLines = (text: string) => text.trim().split('\n').slice(0, 4).join(' ').slice(0, 600);

/** `nft -c`: the kernel checks the ruleset in a transaction it then aborts, so nothing changes. */
async function checkRuleset(host: Host, text: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kombify-nft-'));
  try {
    const file = join(dir, 'kombify.nft');
    writeFileSync(file, text);
    const res = await host.run('nft', ['-c', '-f', file]);
    if (res.code !== 0) throw new StepError(`nft refused the ruleset: ${firstLines(res.stderr)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bootNote(host: Host): string | undefined {
  const conf = host.read('/etc/nftables.conf');
  if (conf?.includes('/etc/nftables.d')) return undefined;
  return 'loaded now; at boot only if /etc/nftables.conf includes "/etc/nftables.d/*.nft" (it does not)';
}

export async function firewallStep(
  p: FirewallParams,
  host: Host,
  dryRun: boolean,
  sshPorts: readonly number[],
): Promise<StepReport> {
  const installed = (await host.run('nft', ['--version'])).code !== 127;
  const file = host.read(rulesetPath);
  if (!installed) {
    if (p.enabled) throw new StepError('nftables is not installed on this node (apt-get install nftables)');
    const before = renderFirewall(file, false);
    return {
      step: 'firewall',
      changed: false,
      before,
      after: before,
      detail: 'nftables is not installed: no firewall to remove',
    };
  }
  const loaded = (await host.run('nft', ['list', 'table', ...table])).code === 0;
  const before = renderFirewall(file, loaded);

  if (!p.enabled) {
    const changed = file !== null || loaded;
    if (changed && !dryRun) {
      if (loaded) {
        const res = await host.run('nft', ['delete', 'table', ...table]);
        if (res.code !== 0)
          throw new StepError(`nft delete table inet kombify failed: ${firstLines(res.stderr)}`);
      }
      host.remove(rulesetPath);
    }
    return { step: 'firewall', changed, before, after: renderFirewall(null, false) };
  }

  // The params make sure of it; a firewall that could shut SSH is never loaded.
  if (sshPorts.length === 0) throw new StepError('no SSH port is known, so the firewall could lock SSH out');
  const want = nftRuleset(p.allow, sshPorts);
  const changed = file !== want || !loaded;
  if (changed) await checkRuleset(host, want);
  if (changed && !dryRun) {
    host.write(rulesetPath, want);
    const res = await host.run('nft', ['-f', host.path(rulesetPath)]);
    if (res.code !== 0) {
      host.restore(rulesetPath, file);
      throw new StepError(`nft -f failed: ${firstLines(res.stderr)}`);
    }
  }
  const note = bootNote(host);
  return {
    step: 'firewall',
    changed,
    before,
    after: renderFirewall(want, true),
    ...(note ? { detail: note } : {}),
  };
}
