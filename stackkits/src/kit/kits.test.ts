import { describe, expect, it } from 'vitest';
import { computeTier } from '../../base-homelab/index.ts';
import { quorum } from '../../platforms/docker/index.ts';
import { applyDefaults, type NodeSpec, selectKit } from '../spec/defaults.ts';
import { kombinationSchema } from '../spec/schema.ts';
import { listKits } from './registry.ts';

const node = (cpu: number, memory: string): NodeSpec => ({
  name: 'n',
  type: 'main',
  provider: 'local',
  os: 'ubuntu-24',
  osFromNode: false,
  ssh: null,
  resources: { cpu, memory, disk: '100Gi' },
  defaultedResources: [],
  labels: {},
  taints: [],
});

describe('kits', () => {
  it('lists the three kits with their variants and images from the contract', () => {
    const kits = listKits();
    expect(kits.map((k) => [k.name, k.variants.map((v) => v.name)])).toEqual([
      ['base-homelab', ['default', 'beszel', 'minimal', 'coolify']],
      ['modern-homelab', ['default', 'minimal']],
      ['ha-homelab', ['default', 'minimal', 'enterprise']],
    ]);
    const images = Object.fromEntries(
      kits.flatMap((k) => k.variants.flatMap((v) => v.services.map((s) => [s.name, s.image]))),
    );
    expect(images).toEqual({
      traefik: 'traefik:v3.1',
      dokploy: 'dokploy/dokploy:latest',
      'uptime-kuma': 'louislam/uptime-kuma:1',
      dozzle: 'amir20/dozzle:latest',
      whoami: 'traefik/whoami:latest',
      beszel: 'henrygd/beszel:latest',
      dockge: 'louislam/dockge:1',
      portainer: 'portainer/portainer-ce:latest',
      netdata: 'netdata/netdata:stable',
      coolify: 'ghcr.io/coollabsio/coolify:latest',
      prometheus: 'prom/prometheus:latest',
      grafana: 'grafana/grafana:latest',
    });
    const base = kits[0]!;
    expect(base.requirements).toMatchObject({
      nodes: { min: 1, max: 1 },
      os: ['ubuntu-24', 'ubuntu-22', 'debian-12'],
    });
    expect(base.variants.find((v) => v.name === 'coolify')?.needsPublicDomain).toBe(true);
    expect(kits[2]!.variants.find((v) => v.name === 'enterprise')?.minNodes).toBe(5);
    expect(kits[2]!.requirements.managerCounts).toEqual([3, 5, 7]);
  });

  it('computes the base-homelab tier at its boundaries', () => {
    expect(computeTier(node(8, '16Gi'))).toBe('high');
    expect(computeTier(node(8, '15Gi'))).toBe('standard');
    expect(computeTier(node(7, '64Gi'))).toBe('standard');
    expect(computeTier(node(4, '8Gi'))).toBe('standard');
    expect(computeTier(node(3, '64Gi'))).toBe('low');
    expect(computeTier(node(16, '7Gi'))).toBe('low');
  });

  it('knows Raft quorum', () => {
    expect([3, 4, 5, 7].map(quorum)).toEqual([2, 3, 3, 4]);
  });
});

describe('kit selection', () => {
  const nodes = (...types: [string, string][]) =>
    types.map(([type, provider], i) => ({ name: `n${i}`, type, provider }));

  it('lets an explicit kit win', () => {
    expect(selectKit('ha-homelab', nodes(['main', 'hetzner'])).kit).toBe('ha-homelab');
  });

  it('picks modern-homelab for any cloud node, ha-homelab for 3+ main nodes, else base-homelab', () => {
    expect(selectKit(undefined, nodes(['main', 'local'], ['worker', 'aws']))).toEqual({
      kit: 'modern-homelab',
      selection: 'auto',
      reason: 'node n1 runs on a cloud provider (aws)',
    });
    expect(selectKit('', nodes(['main', 'local'], ['main', 'local'], ['main', 'proxmox'])).kit).toBe(
      'ha-homelab',
    );
    expect(selectKit(undefined, nodes(['main', 'hetzner'], ['main', 'local'], ['main', 'local'])).kit).toBe(
      'modern-homelab',
    );
    expect(selectKit(undefined, nodes(['main', 'local'], ['main', 'local'], ['worker', 'local'])).kit).toBe(
      'base-homelab',
    );
  });
});

describe('defaults', () => {
  const spec = applyDefaults(
    kombinationSchema.parse({
      name: 'lab',
      kit: 'modern-homelab',
      nodes: [
        { name: 'home', type: 'main', ssh: { host: '10.0.0.1' } },
        { name: 'vps', type: 'worker', provider: 'aws', ssh: { host: '10.0.0.2' } },
        { name: 'gcp', type: 'worker', provider: 'gcp', ssh: { host: '10.0.0.3', user: 'me' } },
        { name: 'az', type: 'edge', provider: 'docker', ssh: { host: '10.0.0.4' }, resources: { cpu: 2 } },
      ],
    }),
  );

  it('fills ssh users by provider and resources by node type', () => {
    expect(spec.nodes.map((n) => [n.ssh?.user, n.ssh?.port])).toEqual([
      ['ubuntu', 22],
      ['ec2-user', 22],
      ['me', 22],
      ['root', 22],
    ]);
    expect(spec.nodes.map((n) => n.resources)).toEqual([
      { cpu: 4, memory: '4Gi', disk: '50Gi' },
      { cpu: 2, memory: '2Gi', disk: '20Gi' },
      { cpu: 2, memory: '2Gi', disk: '20Gi' },
      { cpu: 2, memory: '1Gi', disk: '10Gi' },
    ]);
  });

  it('fills the sections with the contract defaults', () => {
    expect(spec.version).toBe('1.0');
    expect(spec.network).toEqual({
      vpn: 'none',
      domain: 'local',
      access: 'ports',
      proxy: { provider: 'traefik' },
      dns: { servers: ['1.1.1.1', '8.8.8.8'] },
      internal: {},
    });
    expect(spec.observability.backup.schedule).toBe('0 3 * * *');
    expect(spec.system).toEqual({ timezone: 'UTC', os: 'ubuntu-24' });
    expect(spec.nodes[0]?.os).toBe('ubuntu-24');
  });
});
