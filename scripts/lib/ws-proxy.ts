/**
 * A WebSocket→TCP pipe so that @neondatabase/serverless (which only speaks WebSockets) can reach a
 * plain Postgres or the embedded PGlite server. It only forwards to the one target it was given:
 * it is never an open relay.
 */
import net from 'node:net';
import { WebSocketServer } from 'ws';

export interface WsProxy {
  port: number;
  /** host:port to put into DbConfig.wsProxy */
  address: string;
  close(): Promise<void>;
}

export async function startWsProxy(opts: {
  target: { host: string; port: number };
  port?: number;
}): Promise<WsProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    const socket = net.connect(opts.target.port, opts.target.host);
    socket.setNoDelay(true);
    const pending: Buffer[] = [];
    socket.on('connect', () => {
      for (const chunk of pending) socket.write(chunk);
      pending.length = 0;
    });
    ws.on('message', (data: Buffer) => {
      if (socket.connecting) pending.push(data);
      else socket.write(data);
    });
    socket.on('data', (chunk) => ws.send(chunk));
    socket.on('close', () => ws.close());
    socket.on('error', () => ws.terminate());
    ws.on('close', () => socket.destroy());
    ws.on('error', () => socket.destroy());
  });
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
