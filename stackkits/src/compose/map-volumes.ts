/**
 * Compose `volumes` and `tmpfs` of a service → spec volumes. Named volumes keep their names (the
 * Docker volume becomes `<stack>-<name>`); bind mounts need an absolute host path on the node
 * (relative ones resolve against the project directory); tmpfs stays tmpfs.
 */

import type { z } from 'zod';
import { hasParentSegment, volumeNamePattern } from '../spec/formats.ts';
import type { volumeSchema } from '../spec/schema.ts';
import { composeBool } from './compose-values.ts';
import type { Reporter } from './issues.ts';

type VolumeInput = z.input<typeof volumeSchema>;
type Path = (string | number)[];

export interface VolumeContext {
  report: Reporter;
  /** Top-level `volumes:` of the merged files. */
  declared: Readonly<Record<string, unknown>>;
  projectDir: string | undefined;
  /** Names given so far in this service (bind and tmpfs labels must be unique). */
  used: Set<string>;
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** A label for a bind or tmpfs mount, from its target: `/etc/nginx/conf.d` → `conf-d`. */
function label(target: string, used: Set<string>, prefix: string): string {
  const last = target.split('/').filter(Boolean).at(-1) ?? 'root';
  const base =
    `${prefix}${last.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '')}`.slice(0, 55) || prefix;
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}

function hostPath(source: string, at: Path, ctx: VolumeContext): string | undefined {
  if (source.startsWith('~')) {
    ctx.report.error(
      at,
      'invalid_value',
      `bind source ${source}: "~" is the home of whoever runs compose; give an absolute path on the node`,
    );
    return undefined;
  }
  if (source.startsWith('/')) {
    if (hasParentSegment(source)) return normalise(source);
    return source.length > 1 ? source.replace(/\/+$/, '') : source;
  }
  if (!ctx.projectDir) {
    ctx.report.error(
      at,
      'invalid_value',
      `bind source ${source} is relative: give an absolute path on the node (or import with a project directory)`,
    );
    return undefined;
  }
  const resolved = normalise(`${ctx.projectDir}/${source}`);
  ctx.report.warn(
    at,
    'changed',
    `bind source ${source} is ${resolved} on the node; that directory must exist there`,
  );
  return resolved;
}

function named(
  source: string,
  target: string,
  readOnly: boolean,
  at: Path,
  ctx: VolumeContext,
): VolumeInput | undefined {
  if (!volumeNamePattern.test(source)) {
    ctx.report.error(
      at,
      'invalid_value',
      `volume name ${JSON.stringify(source)} must be letters, digits, "_", "." or "-" (at most 63)`,
    );
    return undefined;
  }
  if (!Object.hasOwn(ctx.declared, source)) {
    ctx.report.error(
      at,
      'invalid_reference',
      `volume "${source}" is not declared under the top-level volumes:`,
    );
    return undefined;
  }
  ctx.used.add(source);
  return { name: source, mountPath: target, ...(readOnly ? { readOnly: true } : {}) };
}

/** One `volumes:` entry of a service. */
export function mapVolume(entry: unknown, at: Path, ctx: VolumeContext): VolumeInput | undefined {
  if (typeof entry === 'string') return mapShort(entry, at, ctx);
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  const target = typeof e.target === 'string' ? e.target : '';
  if (!target.startsWith('/')) {
    ctx.report.error([...at, 'target'], 'invalid_value', 'a mount needs an absolute target path');
    return undefined;
  }
  const readOnly = composeBool(e.read_only) === true;
  const source = typeof e.source === 'string' ? e.source : undefined;
  for (const key of ['consistency', 'bind', 'volume'] as const) {
    if (e[key] !== undefined) ctx.report.warn([...at, key], 'not_kept', `${key} options are not kept`);
  }
  if (isMap(e.tmpfs) && (e.tmpfs.size !== undefined || e.tmpfs.mode !== undefined)) {
    ctx.report.warn([...at, 'tmpfs'], 'not_kept', 'tmpfs size and mode are not kept (Docker defaults)');
  }
  switch (e.type) {
    case 'volume':
      if (!source) return anonymous(target, at, ctx);
      return named(source, target, readOnly, at, ctx);
    case 'bind': {
      const path = source ? hostPath(source, [...at, 'source'], ctx) : undefined;
      if (!source) ctx.report.error(at, 'invalid_value', 'a bind mount needs a source');
      if (!path) return undefined;
      return {
        name: label(target, ctx.used, 'bind-'),
        type: 'bind',
        hostPath: path,
        mountPath: target,
        ...(readOnly ? { readOnly: true } : {}),
      };
    }
    case 'tmpfs':
      return { name: label(target, ctx.used, 'tmpfs-'), type: 'tmpfs', mountPath: target };
    default:
      ctx.report.error(
        [...at, 'type'],
        'unsupported',
        `mount type ${String(e.type)} is not supported; use volume, bind or tmpfs`,
      );
      return undefined;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function anonymous(target: string, at: Path, ctx: VolumeContext): VolumeInput {
  const name = label(target, ctx.used, 'anon-');
  ctx.report.warn(at, 'changed', `the anonymous volume at ${target} becomes the named volume ${name}`);
  return { name, mountPath: target };
}

function mapShort(text: string, at: Path, ctx: VolumeContext): VolumeInput | undefined {
  const parts = text.split(':');
  if (parts.length === 1) return anonymous(parts[0]!, at, ctx);
  if (parts.length > 3) {
    ctx.report.error(at, 'invalid_value', `${JSON.stringify(text)} is not source:target[:mode]`);
    return undefined;
  }
  const [source, target, mode = ''] = parts as [string, string, string?];
  if (!target.startsWith('/')) {
    ctx.report.error(at, 'invalid_value', `the target of ${JSON.stringify(text)} must be an absolute path`);
    return undefined;
  }
  const flags = mode.split(',').filter(Boolean);
  const readOnly = flags.includes('ro');
  const other = flags.filter((f) => f !== 'ro' && f !== 'rw');
  if (other.length > 0) ctx.report.warn(at, 'not_kept', `mount options ${other.join(',')} are not kept`);
  if (/^[./~]/.test(source)) {
    const path = hostPath(source, at, ctx);
    if (!path) return undefined;
    if (path === '/var/run/docker.sock' && !readOnly) {
      ctx.report.warn(
        at,
        'changed',
        'the Docker socket gives this container full control of Docker on the node',
      );
    }
    return {
      name: label(target, ctx.used, 'bind-'),
      type: 'bind',
      hostPath: path,
      mountPath: target,
      ...(readOnly ? { readOnly: true } : {}),
    };
  }
  return named(source, target, readOnly, at, ctx);
}

/** `tmpfs: /run` or a list of paths (optionally `path:size=…`). */
export function mapTmpfs(value: unknown, at: Path, ctx: VolumeContext): VolumeInput[] {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const out: VolumeInput[] = [];
  items.forEach((item, i) => {
    if (typeof item !== 'string') return;
    const [target = '', options] = item.split(':');
    const where = typeof value === 'string' ? at : [...at, i];
    if (!target.startsWith('/')) {
      ctx.report.error(where, 'invalid_value', 'a tmpfs needs an absolute path');
      return;
    }
    if (options) ctx.report.warn(where, 'not_kept', `tmpfs options ${options} are not kept`);
    out.push({ name: label(target, ctx.used, 'tmpfs-'), type: 'tmpfs', mountPath: target });
  });
  return out;
}
