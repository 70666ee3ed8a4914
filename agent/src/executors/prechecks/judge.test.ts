import { describe, expect, it } from 'vitest';
import { judgePrechecks, type Probes, versionAtLeast } from './judge.ts';

const healthy: Probes = {
  docker: { version: '20.10.24+dfsg1' },
  disk: { path: '/var/lib/docker', freeMb: 50_000 },
  ramAvailableMb: 4000,
  ports: [],
};

describe('judgePrechecks', () => {
  it('passes a healthy node and skips the port check without ports', () => {
    expect(judgePrechecks({}, healthy).checks.map((c) => [c.name, c.status, c.blocking])).toEqual([
      ['docker_version', 'passed', false],
      ['disk_space', 'passed', false],
      ['ram_available', 'passed', false],
      ['port_available', 'skipped', false],
    ]);
  });

  it('blocks on old or unreachable Docker and too little disk; warns on low RAM', () => {
    const res = judgePrechecks(
      { min_docker_version: '24.0', min_disk_mb: 100_000, min_ram_mb: 8000 },
      healthy,
    ).checks;
    expect(res.map((c) => [c.name, c.status, c.blocking])).toEqual([
      ['docker_version', 'failed', true],
      ['disk_space', 'failed', true],
      ['ram_available', 'warning', false],
      ['port_available', 'skipped', false],
    ]);
    expect(res[0]?.message).toBe('Docker 20.10.24+dfsg1 is older than 24.0');
    expect(res[1]?.message).toBe('50000 MB free on /var/lib/docker; needs 100000 MB');
    expect(judgePrechecks({}, { ...healthy, docker: { error: 'connect ENOENT' } }).checks[0]).toMatchObject({
      status: 'failed',
      blocking: true,
      message: 'Docker is not reachable: connect ENOENT',
    });
  });

  it('judges each port: free, own stack, another container, another process, untestable', () => {
    const res = judgePrechecks(
      { ports: [80, 81, 82, 83, 84], stack: 's1' },
      {
        ...healthy,
        ports: [
          { port: 80, status: 'free' },
          { port: 81, status: 'busy', container: { name: 's1-web', ownStack: true } },
          { port: 82, status: 'busy', container: { name: 'other', ownStack: false } },
          { port: 83, status: 'busy' },
          { port: 84, status: 'unknown', detail: 'EACCES' },
        ],
      },
    ).checks.slice(3);
    expect(res.map((c) => [c.status, c.blocking, c.message])).toEqual([
      ['passed', false, 'port 80 is free'],
      ['passed', false, "port 81 is held by this stack's container s1-web"],
      ['failed', true, 'port 82 is published by container other'],
      ['failed', true, 'port 83 is in use by another process'],
      ['warning', false, 'port 84 could not be tested: EACCES'],
    ]);
  });
});

describe('versionAtLeast', () => {
  it('compares numerically, ignoring suffixes', () => {
    expect(versionAtLeast('20.10.24+dfsg1', '20.10')).toBe(true);
    expect(versionAtLeast('9.0', '20.10')).toBe(false);
    expect(versionAtLeast('27.1.0', '27.1.0')).toBe(true);
    expect(versionAtLeast('26.9', '27')).toBe(false);
  });
});
