/**
 * String formats of kombination.yaml: DNS labels, hosts, sizes, image references, cron, secrets.
 * The regular expressions are used by the zod schema (so they also land in the JSON Schema as
 * `pattern`); the predicates cover what a pattern cannot say (IPv4 octet ranges, size limits).
 */
import { Cron } from 'croner';

/** RFC 1123 label as the contract writes it: lower case, starts with a letter, 2-63 characters. */
export const dnsLabelPattern = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export const versionPattern = /^[0-9]+\.[0-9]+$/;

/** Longest host name (RFC 1035: 253 characters in text form). */
export const HOST_MAX_LENGTH = 253;

/**
 * Hostname (RFC 1123), IPv4, or IPv6 (optionally in brackets); fine checks in {@link isHost}.
 * Linear: the leading look-ahead caps the length at 253, and the IPv6 branch matches up to its
 * first colon with a class that has no colon, so there is one way to split the text (the old
 * `[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*` tried every colon as the split: quadratic, about 1 s for a
 * 40,000-character host; issue 20, M3).
 */
export const hostPattern =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]?)$/;

/** A DNS name with at least one label; `local` is valid, so is `home.example.com`. */
export const domainPattern =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A contact address for the ACME account (Let's Encrypt): a plain `local@domain`. Stricter than
 * RFC 5322 on purpose: no quotes, spaces, braces or comments, so it can be written into a
 * Caddyfile or a command-line flag as it is.
 */
export const emailPattern =
  /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Memory and disk sizes with binary units, as Kubernetes writes them: 512Mi, 4Gi, 1Ti. */
export const sizePattern = /^[1-9][0-9]{0,6}(?:Mi|Gi|Ti)$/;

const sizeUnits = { Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 } as const;
export const GiB = 2 ** 30;
/** Sizes above 1 PiB are refused as out of range: no single node has that, and it keeps math exact. */
export const maxSizeBytes = 2 ** 50;

/** Bytes in a size string, or undefined when it is not one. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value !== 'string' || !sizePattern.test(value)) return undefined;
  const unit = value.slice(-2) as keyof typeof sizeUnits;
  return Number(value.slice(0, -2)) * sizeUnits[unit];
}

/** Prints bytes with the largest binary unit that divides them: 4294967296 → 4Gi. */
export function formatSize(bytes: number): string {
  for (const unit of ['Ti', 'Gi', 'Mi'] as const) {
    if (bytes % sizeUnits[unit] === 0) return `${bytes / sizeUnits[unit]}${unit}`;
  }
  return `${bytes}B`;
}

export const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const labelKeyPattern = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?$/;
export const taintPattern =
  /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?(?:=[A-Za-z0-9._-]{0,63})?:(?:NoSchedule|PreferNoSchedule|NoExecute)$/;
/** A container user: a name or uid, optionally with a group (`1000:1000`, `app:app`). */
export const userPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;
/** A network alias: a host name, dots allowed. */
export const aliasPattern = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9])?$/;
/** A Swarm placement constraint: `attribute == value` or `attribute != value`. */
export const placementPattern = /^[A-Za-z][A-Za-z0-9._/-]*\s*(?:==|!=)\s*\S(?:.*\S)?$/;
export const volumeNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
export const durationPattern = /^[0-9]{1,6}(?:ms|s|m|h)$/;
export const logSizePattern = /^[1-9][0-9]{0,5}[kmg]$/;
export const timezonePattern = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;
/** Five cron fields (minute hour day month weekday) or a macro like @daily: the shape. */
export const cronPattern =
  /^(?:@(?:yearly|annually|monthly|weekly|daily|hourly)|[0-9*/,A-Za-z-]+(?:[ \t]+[0-9*/,A-Za-z?-]+){4})$/;

/**
 * Why a cron schedule is not one, or null when it is: the shape above (five fields, so no
 * seconds), then croner's parser for the values (minute 99, hour 25, an unknown month name).
 */
export function cronProblem(schedule: string): string | null {
  if (!cronPattern.test(schedule)) return 'must be a cron schedule with five fields, like 0 3 * * *';
  try {
    new Cron(schedule, { paused: true });
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}

export const secretPrefix = 'secret://';
export const secretRefPattern = /^secret:\/\/[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/**
 * Docker image reference (distribution/reference grammar): `[registry[:port]/]path[:tag][@digest]`.
 */
export const imagePattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** A registry mirror: `host[:port]` with an optional path prefix, like `registry.local:5000/hub`. */
export const mirrorPattern =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

const ipv4 =
  /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

export function isIPv4(value: string): boolean {
  return ipv4.test(value);
}

/** IPv6 in any RFC 4291 text form, including `::` compression and an embedded IPv4 tail. */
export function isIPv6(value: string): boolean {
  if (value.length > 45 || !value.includes(':')) return false;
  let groups = value.split(':');
  const tail = groups.at(-1) ?? '';
  let maxGroups = 8;
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    groups = groups.slice(0, -1);
    maxGroups = 6;
  }
  const compressed = value.indexOf('::');
  if (compressed !== value.lastIndexOf('::')) return false;
  const hex = /^[0-9A-Fa-f]{1,4}$/;
  if (compressed >= 0) {
    const nonEmpty = groups.filter((g) => g !== '');
    return nonEmpty.length < maxGroups && nonEmpty.every((g) => hex.test(g));
  }
  return groups.length === maxGroups && groups.every((g) => hex.test(g));
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/**
 * An SSH host: an IP address or a hostname. All-numeric dotted names must be valid IPv4 (999.1.1.1
 * is neither), and bracketed or colon forms must be valid IPv6.
 */
export function isHost(value: string): boolean {
  // The length first: no pattern ever sees an oversized value.
  if (value.length > HOST_MAX_LENGTH) return false;
  if (!hostPattern.test(value)) return false;
  if (value.includes(':')) return isIPv6(value.replace(/^\[(.*)\]$/, '$1'));
  if (/^[0-9.]+$/.test(value)) return isIPv4(value);
  return value.replace(/\.$/, '').length <= 253;
}

/** True when a path has a `..` segment (escapes the directory it seems to name). */
export function hasParentSegment(path: string): boolean {
  return path.split(/[\\/]/).includes('..');
}

/** Top-level domains that never resolve publicly (RFC 2606, RFC 6761, RFC 8375, common LAN use). */
const privateTlds = new Set([
  'local',
  'lan',
  'home',
  'internal',
  'intranet',
  'corp',
  'private',
  'localhost',
  'localdomain',
  'test',
  'example',
  'invalid',
  'arpa',
]);

/**
 * A "real" domain is one a public certificate authority could issue for: at least two labels and a
 * TLD that is not reserved for private use (whether the user owns it is not checked).
 */
export function isPublicDomain(domain: string): boolean {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 2) return false;
  const tld = labels.at(-1) ?? '';
  return !privateTlds.has(tld) && !/^[0-9]+$/.test(tld);
}
