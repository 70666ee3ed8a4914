import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { toSwarmJobs } from './to-swarm.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = (name: string) => readFileSync(join(root, 'examples', `${name}.yaml`), 'utf8');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'));

function planOf(text: string) {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!);
}

describe('toSwarmJobs', () => {
  it.each(examples)('%s: every Swarm job passes its schema unchanged', (file) => {
    const jobs = toSwarmJobs(planOf(readFileSync(join(root, 'examples', file), 'utf8')), { stack: 'stk_x' });
    if (!jobs) return expect(file).toMatch(/^base-homelab/);
    const all = [
      { type: 'swarm.init', params: jobs.init.params },
      ...jobs.joins.map((j) => ({ type: 'swarm.join', params: j.params })),
      { type: 'swarm.services', params: jobs.services.params },
      { type: 'swarm.verify', params: jobs.verify.params },
    ];
    for (const j of all) {
      const parsed = parseJobParams(j.type, j.params);
      expect(parsed.ok ? [] : parsed.issues, `${file} ${j.type}`).toEqual([]);
    }
  });

  it('a plan without a swarm has none', () => {
    expect(toSwarmJobs(planOf(example('base-homelab-minimal')))).toBeNull();
  });

  it('ha-homelab default: init on the leader, joins in the plan’s order, services and checks on the leader', () => {
    const jobs = toSwarmJobs(planOf(example('ha-homelab-default')), { stack: 'stk_x' })!;
    expect(jobs.leader).toBe('m1');
    expect(jobs.init).toEqual({ node: 'm1', params: { stack: 'stk_x' } });
    // Managers first, then workers; each names its role's token path, never a token.
    expect(jobs.joins.map((j) => [j.node, j.params.role, j.params.secrets])).toEqual([
      ['m2', 'manager', ['swarm/stk_x/join-manager']],
      ['m3', 'manager', ['swarm/stk_x/join-manager']],
      ['w1', 'worker', ['swarm/stk_x/join-worker']],
      ['w2', 'worker', ['swarm/stk_x/join-worker']],
    ]);
    expect(jobs.joins.every((j) => j.params.leader_address === undefined)).toBe(true);
    const { params } = jobs.services;
    expect(jobs.services.node).toBe('m1');
    expect(params.members.map((m) => `${m.node}:${m.role}`)).toEqual([
      'm1:manager',
      'm2:manager',
      'm3:manager',
      'w1:worker',
      'w2:worker',
    ]);
    expect(params.networks).toEqual([{ name: 'cluster-net', subnet: '10.10.0.0/16', attachable: true }]);
    const byName = Object.fromEntries(params.services.map((s) => [s.service, s]));
    // Traefik on every manager in host mode; redis pinned to w1 by the kombify.node label.
    expect(byName.traefik).toMatchObject({ mode: 'global', constraints: ['node.role == manager'] });
    expect(byName.traefik!.ports!.map((p) => p.mode)).toEqual(['host', 'host']);
    expect(byName.redis).toMatchObject({
      mode: 'replicated',
      replicas: 1,
      constraints: ['node.labels.kombify.node == w1'],
    });
    // The rolling update in seconds; kombify.* labels are the agent's and are not passed.
    expect(byName.api!.update).toEqual({
      parallelism: 1,
      delay_s: 10,
      failure_action: 'rollback',
      order: 'start-first',
      monitor_s: 30,
    });
    expect(Object.keys(byName.api!.container_labels ?? {}).some((k) => k.startsWith('kombify.'))).toBe(false);
    expect(jobs.verify.params).toMatchObject({ managers: 3, workers: 2 });
    expect(jobs.verify.params.services.map((s) => s.service).sort()).toEqual(Object.keys(byName).sort());
  });

  it('lists the secret paths the services use, as references', () => {
    const text = example('ha-homelab-default').replace(
      '    needs: [redis]',
      '    needs: [redis]\n    environmentSecrets: { API_KEY: "secret://api/key" }',
    );
    const jobs = toSwarmJobs(planOf(text), { stack: 'stk_x' })!;
    const api = jobs.services.params.services.find((s) => s.service === 'api')!;
    expect(api.secret_env).toEqual({ API_KEY: 'api/key' });
    expect(jobs.services.params.secrets).toEqual(['api/key']);
    expect(JSON.stringify(jobs)).not.toContain('secret://');
  });
});
