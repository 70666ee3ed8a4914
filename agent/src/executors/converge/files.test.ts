/** Files a converge places: content-addressed plain files, 0400 secret files on a tmpfs only, pruning. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConvergeService } from '@kombify/proto/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import { JobFailure } from '../job-error.ts';
import { placeFiles, pruneFiles, removeStackFiles } from './files.ts';

const made: string[] = [];
const temp = (root: string) => {
  const dir = mkdtempSync(join(root, 'kombify-files-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

// /dev/shm is a tmpfs on Linux; the disk directory is not.
const dirs = () => ({ stacks: temp(tmpdir()), secrets: temp('/dev/shm') });
const svc = (files: ConvergeService['files'], user?: string): ConvergeService => ({
  service: 'web',
  name: 's1-web',
  image: 'img',
  restart: 'unless-stopped',
  files,
  ...(user ? { user } : {}),
});

describe('placeFiles', () => {
  it('writes a plain file content-addressed and binds it read-only at its path', () => {
    const d = dirs();
    const [bind] = placeFiles(d, 's1', svc([{ path: '/etc/web/site.conf', content: 'listen 80' }]), {});
    const [host, target, mode] = bind!.split(':');
    expect([target, mode]).toEqual(['/etc/web/site.conf', 'ro']);
    expect(readFileSync(host!, 'utf8')).toBe('listen 80');
    expect(statSync(host!).mode & 0o777).toBe(0o444);
    // A changed file is a new path: the old container's file is never rewritten under it.
    const [next] = placeFiles(d, 's1', svc([{ path: '/etc/web/site.conf', content: 'listen 81' }]), {});
    expect(next!.split(':')[0]).not.toBe(host);
    expect(readFileSync(host!, 'utf8')).toBe('listen 80');
  });

  it('writes a secret file on the tmpfs with mode 0400 and the fetched value', () => {
    const d = dirs();
    const [bind] = placeFiles(d, 's1', svc([{ path: '/run/secrets/token', secret: 'web/token' }]), {
      'web/token': 'tok-value-1',
    });
    const host = bind!.split(':')[0]!;
    expect(host.startsWith(d.secrets)).toBe(true);
    expect(readFileSync(host, 'utf8')).toBe('tok-value-1');
    expect(statSync(host).mode & 0o777).toBe(0o400);
    expect(bind!.endsWith(':/run/secrets/token:ro')).toBe(true);
  });

  it('refuses to write a secret file to a directory that is not a tmpfs, and one with no value', () => {
    const d = { stacks: temp(tmpdir()), secrets: temp(tmpdir()) };
    const file = svc([{ path: '/run/secrets/token', secret: 'web/token' }]);
    expect(() => placeFiles(d, 's1', file, { 'web/token': 'v-1234' })).toThrow(/not a tmpfs/);
    expect(readdirSync(d.secrets)).toEqual([]);
    const missing = (() => {
      try {
        placeFiles(dirs(), 's1', file, {});
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(JobFailure);
    expect((missing as JobFailure).code).toBe('secret_unavailable');
  });

  it('prunes files no service mounts any more, and removes a stack’s files with it', () => {
    const d = dirs();
    const old = svc([{ path: '/a', content: 'old' }]);
    const now = svc([{ path: '/a', content: 'new' }]);
    const [oldBind] = placeFiles(d, 's1', old, {});
    const [newBind] = placeFiles(d, 's1', now, {});
    pruneFiles(d, 's1', [now]);
    expect(existsSync(oldBind!.split(':')[0]!)).toBe(false);
    expect(existsSync(newBind!.split(':')[0]!)).toBe(true);
    removeStackFiles(d, 's1');
    expect(existsSync(join(d.stacks, 's1'))).toBe(false);
  });
});
