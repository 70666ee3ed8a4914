/**
 * A WebSocket→TCP pipe so that @neondatabase/serverless (which only speaks WebSockets) can reach a
 * plain Postgres or the embedded PGlite server. It only forwards to the one target it was given:
 * it is never an open relay.
 *
 * It follows the client's side of the Postgres protocol just far enough to see a Terminate
 * message ('X'), and then ends the TCP connection the way a Postgres server would. PGlite's
 * socket server does not close on Terminate, and the Neon driver waits for the server to close, so
 * without this every finished pool would leave a connection slot taken.
 */
import net from 'node:net';
import { WebSocketServer } from 'ws';

export interface WsProxy {
  port: number;
  /** host:port to put into DbConfig.wsProxy */
  address: string;
  close(): Promise<void>;
}

/** Frames the client→server byte stream into messages; reports a Terminate. */
export function terminateWatcher(): (chunk: Buffer) => boolean {
  let buffered: Buffer = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      if (startup) {
        // Startup-phase messages (StartupMessage, SSLRequest, GSSENCRequest) have no type byte.
        if (buffered.length < 8) return false;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return false;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        // SSLRequest (80877103) and GSSENCRequest (80877104) are followed by another startup message.
        if (code !== 80877103 && code !== 80877104) startup = false;
        continue;
      }
      if (buffered.length < 5) return false;
      const type = buffered[0];
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return false;
      if (type === 0x58) return true;
      buffered = buffered.subarray(1 + length);
    }
  };
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
    const terminated = terminateWatcher();
    const pending: Buffer[] = [];
    const forward = (data: Buffer) => {
      socket.write(data);
      if (terminated(data)) socket.end();
    };
    socket.on('connect', () => {
      for (const chunk of pending) forward(chunk);
      pending.length = 0;
    });
    ws.on('message', (data: Buffer) => {
      if (socket.connecting) pending.push(data);
      else if (socket.writable) forward(data);
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
