import { describe, expect, it } from 'vitest';
import { formatPath, parseJobParams } from './jobs.ts';

describe('parseJobParams', () => {
  it('accepts a full docker.run and fills defaults', () => {
    const res = parseJobParams('docker.run', {
      image: 'traefik/whoami:latest',
      name: 'whoami',
      command: ['--port', '8080'],
      env: { A: '1' },
      ports: [{ container: 80, host: 9080 }],
      labels: { team: 'x' },
    });
    expect(res).toEqual({
      ok: true,
      value: expect.objectContaining({ ports: [{ container: 80, host: 9080, protocol: 'tcp' }] }),
    });
  });

  it('reports every problem with its path', () => {
    const res = parseJobParams('docker.run', {
      name: 'bad name!',
      env: { '1X': 'v' },
      ports: [{ container: 0, host: 80 }],
      surprise: true,
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const paths = res.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['params.image', 'params.name', 'params.env.1X', 'params.ports[0].container']),
    );
    expect(res.issues.find((i) => i.path === 'params.image')?.code).toBe('required');
    expect(res.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('refuses unknown job types and names the known ones', () => {
    const res = parseJobParams('rm.rf', {});
    expect(res).toEqual({
      ok: false,
      issues: [{ path: 'type', code: 'invalid_value', message: expect.stringContaining('docker.run') }],
    });
  });

  it('refuses reserved kombify.* labels', () => {
    const res = parseJobParams('docker.run', {
      image: 'i',
      name: 'n',
      labels: { 'kombify.managed': 'false' },
    });
    expect(res.ok).toBe(false);
  });

  it('treats missing params as empty for node.facts and refuses params it does not take', () => {
    expect(parseJobParams('node.facts', undefined).ok).toBe(true);
    expect(parseJobParams('node.facts', { x: 1 }).ok).toBe(false);
  });
});

describe('formatPath', () => {
  it('joins keys and indexes like a JS accessor', () => {
    expect(formatPath(['ports', 0, 'host'], 'params')).toBe('params.ports[0].host');
    expect(formatPath([])).toBe('');
    expect(formatPath(['a'])).toBe('a');
  });
});
