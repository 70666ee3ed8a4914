import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { scopedName, scopeLabels, simScope } from './scope.ts';
import { probeHost, waitForSsh } from './ssh-ready.ts';

describe('simScope', () => {
  it('is set only inside a KombiSim node (all three variables)', () => {
    expect(simScope({})).toBeNull();
    expect(simScope({ KOMBIFY_SIM_NODE_CONTAINER: 'kombisim-abc-web', KOMBIFY_SIM_ID: 'sim_a' })).toBeNull();
    const scope = simScope({
      KOMBIFY_SIM_NODE_CONTAINER: 'kombisim-abc-web',
      KOMBIFY_SIM_ID: 'sim_a',
      KOMBIFY_SIM_NODE_ID: 'node_b',
    });
    expect(scope).toEqual({ nodeContainer: 'kombisim-abc-web', simulationId: 'sim_a', nodeId: 'node_b' });
    expect(scopedName('whoami', scope)).toBe('kombisim-abc-web-whoami');
    expect(scopedName('whoami', null)).toBe('whoami');
    expect(scopeLabels(scope)).toEqual({ 'kombify.simulation': 'sim_a', 'kombify.sim-node': 'node_b' });
    expect(scopeLabels(null)).toEqual({});
  });
});

describe('waitForSsh', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const listen = (onConnect: (socket: import('node:net').Socket) => void) =>
    new Promise<number>((resolve) => {
      const server = createServer(onConnect);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });

  it('counts a port as ready only when it answers with an SSH banner', async () => {
    const ssh = await listen((s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian\r\n'));
    expect(await waitForSsh('127.0.0.1', ssh, { timeoutMs: 2000 })).toBe(true);
    // Docker's port proxy: accepts, then closes without a banner (nothing listens inside yet).
    const proxy = await listen((s) => s.end());
    expect(await waitForSsh('127.0.0.1', proxy, { timeoutMs: 600 })).toBe(false);
  });

  it('probes a wildcard bind on loopback', () => {
    expect(probeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(probeHost('::')).toBe('::1');
    expect(probeHost('192.168.1.5')).toBe('192.168.1.5');
  });
});
