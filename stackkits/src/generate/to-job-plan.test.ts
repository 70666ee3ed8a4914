import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { toJobPlan } from './to-job-plan.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'));

function planOf(text: string) {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!);
}

describe('toJobPlan', () => {
  it.each(examples)('%s: every job passes the agent job schema', (example) => {
    const jobs = toJobPlan(planOf(readFileSync(join(root, 'examples', example), 'utf8')));
    for (const job of jobs.jobs) {
      const parsed = parseJobParams(job.type, job.params);
      expect(parsed.ok ? [] : parsed.issues, job.id).toEqual([]);
    }
  });

  it('orders jobs so every job comes after the jobs it waits for', () => {
    const jobs = toJobPlan(
      planOf(readFileSync(join(root, 'examples', 'modern-homelab-default.yaml'), 'utf8')),
    );
    const seen = new Set<string>();
    for (const job of jobs.jobs) {
      for (const dep of job.after) expect(seen.has(dep), `${job.id} after ${dep}`).toBe(true);
      seen.add(job.id);
    }
    expect(jobs.jobs.find((j) => j.id === 'home/dozzle')?.after).toEqual([
      'vps/traefik',
      'vps/dozzle-agent',
      'pi/dozzle-agent',
    ]);
    expect(jobs.jobs.find((j) => j.id === 'home/nextcloud')?.after).toEqual(['home/nextcloud-db']);
  });

  it('maps a container to docker.run params and says what docker.run cannot apply', () => {
    const plan = planOf(`name: lab
nodes:
  - { name: server, type: main }
services:
  - name: db
    type: database
    image: postgres:16-alpine
    restartPolicy: "no"
    ports: [{ container: 5432 }, { container: 5433, host: 15433, protocol: udp }]
    environment: { POSTGRES_DB: app }
    environmentSecrets: { POSTGRES_PASSWORD: secret://db/password }
`);
    const job = toJobPlan(plan).jobs.find((j) => j.service === 'db')!;
    expect(job).toEqual({
      id: 'server/db',
      node: 'server',
      service: 'db',
      type: 'docker.run',
      params: {
        image: 'postgres:16-alpine',
        name: 'lab-db',
        env: { POSTGRES_DB: 'app', TZ: 'UTC' },
        ports: [{ container: 5433, host: 15433, protocol: 'udp' }],
      },
      after: [],
      notApplied: ['networks', 'secrets', 'logging', 'labels:kombify.stack,kombify.service'],
    });
  });

  it('keeps routing labels but leaves the reserved kombify.* labels to the agent', () => {
    const plan = planOf(readFileSync(join(root, 'examples', 'base-homelab-coolify.yaml'), 'utf8'));
    const coolify = toJobPlan(plan).jobs.find((j) => j.service === 'coolify')!;
    expect(coolify.params.labels?.['traefik.http.routers.coolify.rule']).toBe('Host(`coolify.example.com`)');
    expect(Object.keys(coolify.params.labels ?? {}).some((k) => k.startsWith('kombify.'))).toBe(false);
    expect(coolify.params.image).toBe('registry.local:5000/ghcr.io/coollabsio/coolify:latest');
  });

  it('lists Swarm services as skipped, not as jobs', () => {
    const jobs = toJobPlan(
      planOf(readFileSync(join(root, 'examples', 'ha-homelab-enterprise.yaml'), 'utf8')),
    );
    expect(jobs.jobs.map((j) => j.id)).toEqual(['gate/mqtt']);
    expect(jobs.skipped.map((s) => s.service)).toEqual([
      'traefik',
      'portainer',
      'uptime-kuma',
      'dozzle',
      'whoami',
      'prometheus',
      'grafana',
    ]);
  });
});
