/**
 * Compose `ports` (short syntax `[ip:][host[-host]:]container[-container][/protocol]` and the
 * long syntax) → spec ports, ranges expanded to one entry per port.
 */

import type { z } from 'zod';
import { isIP } from '../spec/formats.ts';
import type { portSchema } from '../spec/schema.ts';
import type { Reporter } from './issues.ts';

type PortInput = z.input<typeof portSchema>;
type Path = (string | number)[];

const maxRange = 64;

function range(text: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from) return undefined;
  return [from, to];
}

interface Parsed {
  ip: string | undefined;
  host: string | undefined;
  container: string;
  protocol: string;
}

function parseShort(text: string): Parsed | undefined {
  let rest = text.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let ip: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end < 0) return undefined;
    ip = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  if (parts.length > 3 || (ip !== undefined && parts.length > 2)) return undefined;
  if (parts.length === 3) {
    ip = parts[0];
    parts.shift();
  }
  const container = parts.at(-1) ?? '';
  const host = parts.length === 2 ? parts[0] : undefined;
  return { ip, host, container, protocol };
}

/** One compose port entry → spec ports (several for a range). */
export function mapPort(entry: unknown, at: Path, report: Reporter): PortInput[] {
  let parsed: Parsed | undefined;
  if (typeof entry === 'number')
    parsed = { ip: undefined, host: undefined, container: String(entry), protocol: 'tcp' };
  else if (typeof entry === 'string') parsed = parseShort(entry);
  else if (typeof entry === 'object' && entry !== null) {
    const e = entry as Record<string, unknown>;
    parsed = {
      ip: typeof e.host_ip === 'string' ? e.host_ip : undefined,
      host: e.published === undefined || e.published === null ? undefined : String(e.published),
      container: String(e.target ?? ''),
      protocol: typeof e.protocol === 'string' ? e.protocol.toLowerCase() : 'tcp',
    };
    if (e.mode === 'host')
      report.warn(
        [...at, 'mode'],
        'not_kept',
        'mode: host is not kept: Swarm kits publish through the routing mesh',
      );
    if (e.app_protocol !== undefined)
      report.warn([...at, 'app_protocol'], 'ignored', 'app_protocol is a hint only; ignored');
    if (e.name !== undefined) report.warn([...at, 'name'], 'ignored', 'a port name is not kept');
  }
  if (!parsed) {
    report.error(
      at,
      'invalid_value',
      `${JSON.stringify(entry)} is not a port mapping like 8080:80, 127.0.0.1:53:53/udp or 80`,
    );
    return [];
  }
  const { ip, host, container, protocol } = parsed;
  if (protocol !== 'tcp' && protocol !== 'udp') {
    report.error(at, 'unsupported', `protocol ${protocol} is not supported; use tcp or udp`);
    return [];
  }
  if (ip !== undefined && ip !== '' && ip !== '0.0.0.0' && ip !== '::' && !isIP(ip)) {
    report.error(at, 'invalid_value', `host IP ${JSON.stringify(ip)} is not an IP address`);
    return [];
  }
  const hostIp = ip && ip !== '0.0.0.0' && ip !== '::' ? ip : undefined;
  const c = range(container);
  if (!c) {
    report.error(
      at,
      'invalid_value',
      `container port ${JSON.stringify(container)} must be 1-65535 or a range like 8000-8010`,
    );
    return [];
  }
  const size = c[1] - c[0] + 1;
  if (size > maxRange) {
    report.error(
      at,
      'unsupported',
      `the range ${container} has ${size} ports; at most ${maxRange} per service`,
    );
    return [];
  }
  let h: [number, number] | undefined;
  if (host !== undefined && host !== '') {
    h = range(host);
    if (!h) {
      report.error(
        at,
        'invalid_value',
        `host port ${JSON.stringify(host)} must be 1-65535 or a range like 8000-8010`,
      );
      return [];
    }
    const hostSize = h[1] - h[0] + 1;
    if (hostSize !== size) {
      if (size !== 1) {
        report.error(
          at,
          'invalid_value',
          `host range ${host} and container range ${container} differ in length`,
        );
        return [];
      }
      // Docker picks one free port of the host range; kombify needs one fixed port.
      report.warn(
        at,
        'changed',
        `published on ${h[0]}, the first port of ${host} (Docker would pick a free one of the range)`,
      );
      h = [h[0], h[0]];
    }
  } else if (host === '') {
    report.warn(
      at,
      'not_kept',
      'a random host port is not kept: the port is reachable on the stack network only',
    );
  }
  const out: PortInput[] = [];
  for (let i = 0; i < size; i++) {
    const port: PortInput = { container: c[0] + i };
    if (h && (size === 1 || h[1] - h[0] + 1 === size)) port.host = h[0] + i;
    if (protocol === 'udp') port.protocol = 'udp';
    if (hostIp && port.host !== undefined) port.hostIp = hostIp;
    out.push(port);
  }
  return out;
}
