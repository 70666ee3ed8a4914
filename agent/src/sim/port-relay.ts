/**
 * Published ports of a stack deployed onto a KombiSim node. On a real machine Docker publishes a
 * service's port on the machine itself (docker-proxy / NAT into the container); a node is a
 * container, so the machine is the node's network namespace. The node's agent does what
 * docker-proxy does: it listens on the host port inside the node and forwards each connection to
 * the service container (on the stack's network, which the node is attached to, by name; or on
 * the node's own loopback for a service sharing the node's namespace). What to publish is read
 * from the containers themselves (`kombify.sim-ports`), so an agent that restarts — the node was
 * stopped and started — opens the same relays again. TCP only: UDP ports are reported, not relayed.
 */
import { connect, createServer, type Server } from 'node:net';
import type { ConvergeService } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import type { SimScope } from './scope.ts';

export const PORTS_LABEL = 'kombify.sim-ports';
/** Set on a service that shares the node's namespace (no stack network): its target is loopback. */
export const LOCAL_LABEL = 'kombify.sim-local';

export interface Published {
  hostIp: string;
  port: number;
  protocol: 'tcp' | 'udp';
  targetHost: string;
  targetPort: number;
  container: string;
  stack: string;
}

interface Relay {
  server: Server;
  target: string;
}
const relays = new Map<string, Relay>();
const key = (p: { hostIp: string; port: number }) => `${p.hostIp}:${p.port}`;

export function encodePorts(ports: NonNullable<ConvergeService['ports']>): string {
  return ports.map((p) => `${p.host_ip ?? ''}|${p.host}|${p.container}|${p.protocol}`).join(',');
}

/** What the node's containers publish, from their labels. */
export async function publishedPorts(docker: Docker, scope: SimScope): Promise<Published[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`kombify.sim-node=${scope.nodeId}`, PORTS_LABEL] },
  });
  return containers.flatMap((c) => {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
    const local = c.Labels[LOCAL_LABEL] === 'true';
    return (c.Labels[PORTS_LABEL] ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [hostIp = '', host = '0', container = '0', protocol = 'tcp'] = entry.split('|');
        return {
          hostIp: hostIp || '0.0.0.0',
          port: Number(host),
          protocol: protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
          targetHost: local ? '127.0.0.1' : name,
          targetPort: Number(container),
          container: name,
          stack: c.Labels['kombify.stack'] ?? '',
        };
      });
  });
}

function listen(p: Published): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((inbound) => {
      const outbound = connect(p.targetPort, p.targetHost);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    server.once('error', reject);
    server.listen({ host: p.hostIp, port: p.port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Opens the relays the node's containers want and closes the others. A service sharing the node's
 * namespace on the same port needs none (it listens there itself). Returns what could not be
 * published (the port is taken in the node), so a converge can fail like Docker's "port is
 * already allocated".
 */
export async function syncPortRelays(
  docker: Docker,
  scope: SimScope,
): Promise<{ opened: Published[]; failed: { port: Published; reason: string }[]; udp: Published[] }> {
  const wanted = (await publishedPorts(docker, scope)).filter(
    (p) => !(p.targetHost === '127.0.0.1' && p.targetPort === p.port),
  );
  const tcp = new Map(wanted.filter((p) => p.protocol === 'tcp').map((p) => [key(p), p]));
  for (const [k, relay] of relays) {
    const want = tcp.get(k);
    if (!want || relay.target !== `${want.targetHost}:${want.targetPort}`) {
      relays.delete(k);
      await new Promise<void>((r) => relay.server.close(() => r()));
    }
  }
  const opened: Published[] = [];
  const failed: { port: Published; reason: string }[] = [];
  for (const [k, p] of tcp) {
    if (relays.has(k)) continue;
    try {
      relays.set(k, { server: await listen(p), target: `${p.targetHost}:${p.targetPort}` });
      opened.push(p);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      failed.push({
        port: p,
        reason: e.code === 'EADDRINUSE' ? 'the port is in use in the node' : e.message,
      });
    }
  }
  return { opened, failed, udp: wanted.filter((p) => p.protocol === 'udp') };
}
