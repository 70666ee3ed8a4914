import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { toBootstrapJobs } from './to-bootstrap.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = (name: string) => readFileSync(join(root, 'examples', name), 'utf8');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'));

function planOf(text: string) {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!);
}

describe('toBootstrapJobs', () => {
  it.each(examples)('%s: every node gets a job that passes the node.bootstrap schema unchanged', (file) => {
    const plan = planOf(example(file));
    const jobs = toBootstrapJobs(plan);
    expect(jobs.map((j) => j.node)).toEqual(plan.nodes.map((n) => n.name));
    for (const job of jobs) {
      const parsed = parseJobParams('node.bootstrap', job.params);
      expect(parsed.ok ? [] : parsed.issues, `${file} ${job.node}`).toEqual([]);
      // Defaults are already filled in: the params are what the agent will run.
      if (parsed.ok) expect(parsed.value).toEqual(job.params);
      expect(job.params.steps.map((s) => s.step)).toEqual([
        'timezone',
        'packages',
        'ssh-hardening',
        'firewall',
        'docker',
      ]);
    }
  });

  it('base-homelab minimal: the plan steps in snake_case, with the node SSH port open', () => {
    const plan = planOf(example('base-homelab-minimal.yaml'));
    const [job] = toBootstrapJobs(plan);
    const [tz, packages, ssh, firewall, docker] = job!.params.steps;
    expect(tz).toEqual({ step: 'timezone', timezone: plan.stack.timezone });
    expect(packages).toEqual({ step: 'packages', auto_updates: true });
    expect(ssh).toEqual({
      step: 'ssh-hardening',
      port: 22,
      password_authentication: false,
      permit_root_login: 'prohibit-password',
    });
    expect(firewall).toMatchObject({ step: 'firewall', enabled: true, default_incoming: 'deny' });
    if (firewall?.step === 'firewall') {
      expect(firewall.allow[0]).toEqual({ port: 22, protocol: 'tcp', reason: 'ssh' });
      expect(firewall.allow).toContainEqual({ port: 443, protocol: 'tcp', reason: 'traefik' });
    }
    expect(docker).toEqual({
      step: 'docker',
      dns: expect.any(Array),
      log_driver: 'json-file',
      log_options: {
        'max-file': expect.stringMatching(/^\d+$/),
        'max-size': expect.stringMatching(/^\d+[kmg]$/),
      },
    });
    expect(job!.params.dry_run).toBe(false);
  });

  it('a non-default SSH port is the hardening port and stays open in the firewall', () => {
    const [job] = toBootstrapJobs(planOf(example('base-homelab-beszel.yaml')));
    const ssh = job!.params.steps.find((s) => s.step === 'ssh-hardening');
    const firewall = job!.params.steps.find((s) => s.step === 'firewall');
    expect(ssh).toMatchObject({ port: 2222 });
    expect(firewall?.step === 'firewall' && firewall.allow).toContainEqual({
      port: 2222,
      protocol: 'tcp',
      reason: 'ssh',
    });
  });

  it('ha-homelab minimal: Swarm nodes also open the routing-mesh ports, once per port', () => {
    const plan = planOf(example('ha-homelab-minimal.yaml'));
    const ingress = plan.swarm?.ingressPorts ?? [];
    expect(ingress.length).toBeGreaterThan(0);
    for (const job of toBootstrapJobs(plan)) {
      const firewall = job.params.steps.find((s) => s.step === 'firewall');
      if (firewall?.step !== 'firewall') throw new Error('no firewall step');
      for (const r of ingress)
        expect(firewall.allow.filter((a) => a.port === r.port && a.protocol === r.protocol)).toHaveLength(1);
      const keys = firewall.allow.map((a) => `${a.port}/${a.protocol}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('lists the steps it leaves out (VPN, Swarm, backup) instead of dropping them silently', () => {
    const plan = planOf(example('modern-homelab-default.yaml'));
    for (const job of toBootstrapJobs(plan)) {
      const node = plan.nodes.find((n) => n.name === job.node)!;
      const left = node.bootstrap
        .filter((s) => ['vpn', 'swarm', 'backup'].includes(s.step))
        .map((s) => s.step);
      expect(left.length).toBeGreaterThan(0);
      expect(job.notApplied).toEqual(left.map((s) => `${s} (not part of node.bootstrap)`));
    }
  });

  it('keeps firewall comments plain and short', () => {
    const plan = planOf(example('base-homelab-minimal.yaml'));
    const node = plan.nodes[0]!;
    node.bootstrap = node.bootstrap.map((s) =>
      s.step === 'firewall'
        ? { ...s, allow: [{ port: 1, protocol: 'tcp', reason: `a"b;${'x'.repeat(80)}` }] }
        : s,
    );
    const firewall = toBootstrapJobs(plan)[0]!.params.steps.find((s) => s.step === 'firewall');
    expect(firewall?.step === 'firewall' && firewall.allow[0]?.reason).toBe(`a-b-${'x'.repeat(60)}`);
    expect(parseJobParams('node.bootstrap', toBootstrapJobs(plan)[0]!.params).ok).toBe(true);
  });
});
