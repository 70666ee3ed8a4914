/**
 * The edge as seen from inside simulated nodes. A node's agent must reach the edge; when the host
 * agent's edge is on this machine's loopback (npm start, tests), containers cannot reach it, so
 * the host agent relays: a TCP forwarder on the simulation network's gateway address (the host
 * side of the bridge) to the edge. An edge reachable from anywhere (production) is used as is.
 * Relays live in the host agent process; a node's start job brings its network's relay back after
 * the host agent restarted.
 */
import { connect, createServer, type Server } from 'node:net';
import type Docker from 'dockerode';

/** Per network: the relay being opened or open (a promise, so parallel node creates share one). */
const relays = new Map<string, Promise<{ server: Server; url: string }>>();
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function needsRelay(edgeUrl: string): boolean {
  return loopback.has(new URL(edgeUrl).hostname);
}

/** The edge URL nodes on this network use: the edge itself, or a relay to it on the gateway. */
export async function edgeUrlForNetwork(docker: Docker, network: string, edgeUrl: string): Promise<string> {
  if (!needsRelay(edgeUrl)) return edgeUrl;
  let relay = relays.get(network);
  if (!relay) {
    relay = openRelay(docker, network, edgeUrl);
    relays.set(network, relay);
    relay.catch(() => relays.delete(network));
  }
  return (await relay).url;
}

async function openRelay(docker: Docker, network: string, edgeUrl: string) {
  const info = await docker.getNetwork(network).inspect();
  const gateway = info.IPAM?.Config?.[0]?.Gateway;
  if (!gateway) throw new Error(`network ${network} has no gateway address to relay the edge on`);
  const edge = new URL(edgeUrl);
  const port = Number(edge.port || (edge.protocol === 'https:' ? 443 : 80));
  const target = edge.hostname === 'localhost' ? '127.0.0.1' : edge.hostname.replace(/^\[|\]$/g, '');
  const server = createServer((inbound) => {
    const outbound = connect(port, target);
    inbound.pipe(outbound).pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close);
    outbound.on('error', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, gateway, () => resolve());
  });
  server.on('error', () => {});
  return { server, url: `${edge.protocol}//${gateway}:${port}` };
}

export function closeRelay(network: string): void {
  void relays.get(network)?.then(
    (r) => r.server.close(),
    () => {},
  );
  relays.delete(network);
}
