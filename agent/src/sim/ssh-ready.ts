/**
 * A node counts as ready when its SSH server answers with its banner on the published port — the
 * way containerlab-style labs count it. A TCP connect alone is not enough: Docker's port proxy
 * accepts connections before anything listens inside the container.
 */
import { connect } from 'node:net';

function bannerOnce(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let seen = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.includes('SSH-')) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(seen.includes('SSH-')));
  });
}

/** Waits until SSH answers on host:port; false when it did not within timeoutMs (or on abort). */
export async function waitForSsh(
  host: string,
  port: number,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && !opts.signal?.aborted) {
    if (await bannerOnce(host, port, Math.min(2000, Math.max(100, deadline - Date.now())))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** The address to probe: a wildcard bind is reached on loopback. */
export function probeHost(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '::1';
  return bind;
}
