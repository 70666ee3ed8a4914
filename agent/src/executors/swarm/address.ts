/**
 * The address a node advertises to its swarm when the plan gives none: the IPv4 address of the
 * interface the default route leaves by. Docker refuses to guess when a node has more than one
 * address (every node with Docker has docker0 besides its own), so the agent decides.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { JobFailure } from '../job-error.ts';

/** The interface of the default route in /proc/net/route's format (destination 00000000). */
export function defaultRouteInterface(routeTable: string): string | null {
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, , flags] = line.trim().split(/\s+/);
    // RTF_UP (1) and the all-zero destination: the default route.
    if (iface && destination === '00000000' && (Number.parseInt(flags ?? '0', 16) & 1) === 1) return iface;
  }
  return null;
}

export function defaultRouteAddress(
  routeTable = readFileSync('/proc/net/route', 'utf8'),
  interfaces = os.networkInterfaces(),
): string {
  const iface = defaultRouteInterface(routeTable);
  const v4 = iface ? interfaces[iface]?.find((a) => a.family === 'IPv4' && !a.internal) : undefined;
  if (!v4) {
    throw new JobFailure(
      'no_advertise_address',
      `no IPv4 address on the default route's interface (${iface ?? 'no default route'}); set the node's address in the spec`,
    );
  }
  return v4.address;
}
