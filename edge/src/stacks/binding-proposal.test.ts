import { describe, expect, it } from 'vitest';
import { proposeBindings } from './binding-proposal.ts';

const sim = (names: [string, string][]) => names.map(([name, type], position) => ({ name, type, position }));
const haSetup = sim([
  ['lb-1', 'local'],
  ['app-1', 'local'],
  ['app-2', 'local'],
  ['db-primary', 'local'],
  ['db-replica', 'local'],
]);

describe('binding proposals', () => {
  it('puts ha-homelab’s managers on ha-setup’s first nodes and its workers on the rest, by role not by spec order', () => {
    const spec = [
      { name: 'w1', type: 'worker', provider: 'local' },
      { name: 'm1', type: 'main', provider: 'local' },
      { name: 'm2', type: 'main', provider: 'local' },
      { name: 'w2', type: 'worker', provider: 'local' },
      { name: 'm3', type: 'main', provider: 'local' },
    ];
    const { picks, unmatched } = proposeBindings(
      spec,
      [...haSetup].reverse().map((n) => ({ ...n })),
    );
    expect(Object.fromEntries(picks.map((p) => [p.node, p.sim.name]))).toEqual({
      m1: 'lb-1',
      m2: 'app-1',
      m3: 'app-2',
      w1: 'db-primary',
      w2: 'db-replica',
    });
    expect(unmatched).toEqual([]);
    expect(picks.find((p) => p.node === 'm2')!.reason).toBe(
      '2nd main node (local) → the first free local node',
    );
  });

  it('puts cloud nodes on vps nodes and home nodes on local ones, and says when it had to cross over', () => {
    const hybrid = sim([
      ['vps-web', 'vps'],
      ['vps-api', 'vps'],
      ['local-db', 'local'],
    ]);
    const spec = [
      { name: 'home', type: 'main', provider: 'local' },
      { name: 'cloud', type: 'worker', provider: 'hetzner' },
      { name: 'nas', type: 'worker', provider: 'local' },
    ];
    const { picks } = proposeBindings(spec, hybrid);
    expect(Object.fromEntries(picks.map((p) => [p.node, p.sim.name]))).toEqual({
      home: 'local-db',
      cloud: 'vps-web',
      nas: 'vps-api',
    });
    expect(picks.find((p) => p.node === 'nas')!.reason).toBe(
      'no local node left: takes the vps node vps-api',
    );
  });

  it('names the nodes a too-small simulation cannot take', () => {
    const spec = ['a', 'b', 'c'].map((name) => ({ name, type: 'main', provider: 'local' }));
    const { picks, unmatched } = proposeBindings(spec, haSetup.slice(0, 2));
    expect(picks.map((p) => p.node)).toEqual(['a', 'b']);
    expect(unmatched).toEqual([{ node: 'c', reason: 'the simulation has no node left for it (2 nodes)' }]);
  });
});
