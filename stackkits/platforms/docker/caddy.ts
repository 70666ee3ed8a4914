/**
 * Caddy on the Docker platform: the Caddyfile for a node's routes. Caddy discovers nothing by
 * itself (no Docker provider), so every route names its upstream as an address: the container
 * name on the stack network, or a node's address and published port.
 *
 * TLS per route (`network.proxy.tls` of the service): `disabled` → an `http://` site (no
 * certificate, no redirect); `auto` → Caddy's automatic HTTPS, which is ACME (Let's Encrypt or
 * ZeroSSL) for a public name, and `tls internal` (Caddy's own CA) for names no public CA issues
 * for — `*.lan`, `*.local`, `*.home.arpa`, `*.internal`, `localhost`, IP literals, single labels —
 * or for every route when the plan is told to (`internalTls`, e.g. a simulation). `manual` is
 * refused by validation: the spec has no field for the certificate files yet.
 */
import { domainPattern, emailPattern, isIP, isPublicDomain } from '../../src/spec/formats.ts';
import type { PlanRoute } from '../../src/unifier/plan.ts';

export const caddyfilePath = '/etc/caddy/Caddyfile';

export interface CaddyfileOptions {
  /** Contact address of the ACME account; null = none (Caddy registers without one). */
  email: string | null;
  /** Serve every `auto` route from Caddy's internal CA, whatever its name. */
  internalTls: boolean;
}

export type CaddyTls = 'acme' | 'internal' | 'none';

/** `name:port` or `[v6]:port`, as the routes build their upstream URLs. */
const upstreamPattern =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}$/;

/** Whether a public CA could issue a certificate for the host; if not, Caddy's internal CA signs it. */
export function needsInternalCa(host: string): boolean {
  return isIP(host.replace(/^\[(.*)\]$/, '$1')) || !isPublicDomain(host);
}

/** How Caddy secures one route. */
export function caddyTls(route: Pick<PlanRoute, 'host' | 'tls'>, internalTls: boolean): CaddyTls {
  if (route.tls === 'disabled') return 'none';
  if (route.tls === 'manual') {
    throw new TypeError(`${route.host}: tls manual is not supported with caddy (validation refuses it)`);
  }
  return internalTls || needsInternalCa(route.host) ? 'internal' : 'acme';
}

/** `http://name:port` → `name:port`, checked so nothing but an address reaches the file. */
function upstreamOf(route: PlanRoute): string {
  if (route.upstream.kind !== 'url') {
    throw new TypeError(`${route.service}: caddy needs the upstream address; the route has labels`);
  }
  const address = route.upstream.url.replace(/^http:\/\//, '');
  if (address === route.upstream.url || !upstreamPattern.test(address)) {
    throw new TypeError(`${route.service}: not an upstream caddy can use: ${route.upstream.url}`);
  }
  return address;
}

/**
 * The Caddyfile for a set of routes: a global block only when there is an ACME e-mail, then one
 * site block per route, in the routes' order. Deterministic text; a changed route changes it, and
 * with it the file's hash, so only the Caddy container is re-created. Throws TypeError for a host,
 * upstream or e-mail that is not one (the spec's validation refuses those first).
 */
export function caddyfile(routes: readonly PlanRoute[], options: CaddyfileOptions): string {
  const blocks: string[] = [];
  if (options.email !== null) {
    if (!emailPattern.test(options.email)) throw new TypeError(`not an e-mail address: ${options.email}`);
    blocks.push(`{\n\temail ${options.email}\n}\n`);
  }
  const seen = new Set<string>();
  for (const route of routes) {
    // The spec's own domain format: lower-case labels and dots, nothing a Caddyfile reads as syntax.
    if (!domainPattern.test(route.host))
      throw new TypeError(`not a host name: ${JSON.stringify(route.host)}`);
    if (seen.has(route.host)) throw new TypeError(`host ${route.host} is routed twice`);
    seen.add(route.host);
    const tls = caddyTls(route, options.internalTls);
    const lines = [
      `${tls === 'none' ? 'http://' : ''}${route.host} {`,
      ...(tls === 'internal' ? ['\ttls internal'] : []),
      `\treverse_proxy ${upstreamOf(route)}`,
      '}',
    ];
    blocks.push(`${lines.join('\n')}\n`);
  }
  if (blocks.length === 0) return '# No routes: network.access is ports, or no service is routed.\n';
  return blocks.join('\n');
}
