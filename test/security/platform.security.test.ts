/**
 * Issue 20, L6: the unauthenticated probes. The edge is given a database proxy that counts the
 * connections it is asked for and refuses each, so a database failure can be seen from outside.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let proxy: Server;
let connections = 0;

beforeAll(async () => {
  const port = await freePort();
  proxy = createServer((_req, res) => {
    connections += 1;
    res.writeHead(502).end('no database here: secret-host.internal:5432');
  });
  proxy.on('upgrade', (_req, socket) => {
    connections += 1;
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  stack = await startStack({ vars: { DATABASE_WS_PROXY: `127.0.0.1:${port}` } });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
});

describe('L6 /health', () => {
  it('L6 says the database is unreachable without the driver text, and does not ask it on every probe', async () => {
    // The harness's start-up probes may have been answered from a check in the last 5 s: wait
    // that out, so the count below is of these probes alone.
    await new Promise((r) => setTimeout(r, 5_500));
    connections = 0;
    const bodies: any[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${stack.edgeUrl}/health`);
      expect(res.status).toBe(503);
      bodies.push(await res.json());
    }
    for (const body of bodies) expect(body.checks.database.message).toBe('database unreachable');
    // Twenty probes within a few seconds: one check (a retry or two at most), not twenty.
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(3);
    const ready = (await (await fetch(`${stack.edgeUrl}/ready`)).json()) as any;
    expect(JSON.stringify(ready)).not.toMatch(/secret-host|502|Bad Gateway|ECONN/);
  });
});
