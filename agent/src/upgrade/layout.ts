/**
 * The installed layout the installer (edge/src/releases/install.sh) makes, which upgrades
 * change the same way:
 *
 *   <prefix>/versions/<v>/kombify-agent.mjs   the bundle, .sha256, runtime → ../../runtimes/<r>
 *   <prefix>/runtimes/<r>/bin/node            a Node runtime, .sha256 (shared by versions)
 *   <prefix>/current, <prefix>/previous       symlinks to versions/<v>, swapped by rename
 *   <prefix>/release-key.pem                  the edge's release public key, from the installer
 *
 * The installer's wrapper exports KOMBIFY_AGENT_PREFIX; without it the agent was not installed
 * that way (a source checkout) and does not upgrade itself.
 */
import {
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';

export interface Layout {
  prefix: string;
}

export function installLayout(): Layout | null {
  const prefix = process.env.KOMBIFY_AGENT_PREFIX;
  if (!prefix || !existsSync(join(prefix, 'current'))) return null;
  return { prefix };
}

/** The version a symlink (`current`, `previous`) points at, or null. */
export function linkedVersion(layout: Layout, link: 'current' | 'previous'): string | null {
  try {
    const target = readlinkSync(join(layout.prefix, link));
    return target.startsWith('versions/') ? target.slice('versions/'.length) : null;
  } catch {
    return null;
  }
}

export function currentEntry(layout: Layout): { node: string; bundle: string } {
  return {
    node: join(layout.prefix, 'current/runtime/bin/node'),
    bundle: join(layout.prefix, 'current/kombify-agent.mjs'),
  };
}

export function readSha(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Points `link` at versions/<version> with one rename, so it is never missing or half-made. */
export function pointLink(layout: Layout, link: 'current' | 'previous', version: string): void {
  const tmp = join(layout.prefix, `.${link}.${process.pid}`);
  rmSync(tmp, { force: true });
  symlinkSync(`versions/${version}`, tmp);
  renameSync(tmp, join(layout.prefix, link));
}

/** Makes `version` current and what was current the fallback. */
export function activate(layout: Layout, version: string): string | null {
  const before = linkedVersion(layout, 'current');
  pointLink(layout, 'current', version);
  if (before && before !== version) pointLink(layout, 'previous', before);
  return before;
}

/** Goes back to `version` (the one that ran before an upgrade), keeping the failed one as previous. */
export function rollBack(layout: Layout, version: string): void {
  const failed = linkedVersion(layout, 'current');
  pointLink(layout, 'current', version);
  if (failed && failed !== version) pointLink(layout, 'previous', failed);
}

/** Removes versions other than `current` and `previous`, and runtimes no kept version uses. */
export function prune(layout: Layout): void {
  const keep = new Set([linkedVersion(layout, 'current'), linkedVersion(layout, 'previous')]);
  const versions = join(layout.prefix, 'versions');
  const used = new Set<string>();
  for (const name of readdirSync(versions)) {
    if (name.startsWith('.')) continue;
    if (!keep.has(name)) {
      rmSync(join(versions, name), { recursive: true, force: true });
      continue;
    }
    try {
      used.add(readlinkSync(join(versions, name, 'runtime')).replace('../../runtimes/', ''));
    } catch {}
  }
  const runtimes = join(layout.prefix, 'runtimes');
  for (const name of readdirSync(runtimes)) {
    if (!name.startsWith('.') && !used.has(name))
      rmSync(join(runtimes, name), { recursive: true, force: true });
  }
}
