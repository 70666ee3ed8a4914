import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorMiss, mirrorPath, simMirror } from './mirror.ts';
import { probeHost, waitForSsh } from './ssh-ready.ts';

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

describe('a pull inside a KombiSim node', () => {
  it('names the image in the mirror under its Docker Hub path', () => {
    expect(mirrorPath('busybox')).toBe('library/busybox:latest');
    expect(mirrorPath('postgres:16-alpine')).toBe('library/postgres:16-alpine');
    expect(mirrorPath('traefik/whoami')).toBe('traefik/whoami:latest');
    expect(mirrorPath('docker.io/library/redis:7-alpine')).toBe('library/redis:7-alpine');
    expect(mirrorPath('ghcr.io/home-assistant/home-assistant:stable')).toBeNull();
    expect(mirrorPath('localhost:5000/x')).toBeNull();
  });

  it('fails image_not_found saying how to add the image, only in a node', () => {
    const mirror = simMirror({ KOMBIFY_SIM_REGISTRY: 'kombisim-registry:5000' });
    const miss = mirrorMiss('redis:7-alpine', 'no such host', mirror);
    expect(miss?.code).toBe('image_not_found');
    expect(miss?.message).toContain('redis:7-alpine');
    expect(miss?.message).toContain('npm run sim:push -- redis:7-alpine');
    expect(miss?.message).toContain('127.0.0.1:5000/library/redis:7-alpine');
    expect(mirrorMiss('redis', 'x', simMirror({}))).toBeNull();
  });
});
