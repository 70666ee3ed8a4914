import { describe, expect, it } from 'vitest';
import {
  cronPattern,
  cronProblem,
  formatSize,
  imagePattern,
  isHost,
  isIPv6,
  isPublicDomain,
  parseSize,
} from './formats.ts';

describe('formats', () => {
  it('reads sizes with binary units only', () => {
    expect(parseSize('512Mi')).toBe(512 * 2 ** 20);
    expect(parseSize('4Gi')).toBe(4 * 2 ** 30);
    expect(parseSize('1Ti')).toBe(2 ** 40);
    for (const bad of ['4GB', '4G', '0Gi', '1.5Gi', 'Gi', 4]) expect(parseSize(bad)).toBeUndefined();
    expect(formatSize(4 * 2 ** 30)).toBe('4Gi');
    expect(formatSize(1536 * 2 ** 20)).toBe('1536Mi');
  });

  it('knows hosts: names, IPv4, IPv6', () => {
    for (const good of [
      'server',
      'nas.home.arpa',
      '192.168.1.10',
      '::1',
      'fd00::10',
      '[2001:db8::1]',
      '::ffff:10.0.0.1',
    ]) {
      expect(isHost(good), good).toBe(true);
    }
    for (const bad of ['999.1.1.1', 'bad host', 'a..b', '-x', '1:2:3', '2001:db8::1::2', '']) {
      expect(isHost(bad), bad).toBe(false);
    }
    expect(isIPv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7:8:9')).toBe(false);
  });

  it('tells public domains from private ones', () => {
    expect(isPublicDomain('example.com')).toBe(true);
    expect(isPublicDomain('home.example.net')).toBe(true);
    for (const d of [
      'local',
      'lab.local',
      'home.lan',
      'nas.home.arpa',
      'x.internal',
      'app.test',
      '10.0.0.1',
    ]) {
      expect(isPublicDomain(d), d).toBe(false);
    }
  });

  it('accepts Docker image references and refuses others', () => {
    for (const good of [
      'traefik:v3.1',
      'dokploy/dokploy:latest',
      'ghcr.io/coollabsio/coolify:latest',
      `registry.local:5000/team/app@sha256:${'a'.repeat(64)}`,
      'localhost:5000/x',
    ]) {
      expect(imagePattern.test(good), good).toBe(true);
    }
    for (const bad of ['Nginx', 'nginx:', 'a//b', 'x:tag with space', ':latest'])
      expect(imagePattern.test(bad), bad).toBe(false);
  });

  it('accepts five-field cron schedules and macros', () => {
    for (const good of ['0 3 * * *', '*/15 * * * 1-5', '@daily', '0 0 1 JAN *'])
      expect(cronPattern.test(good), good).toBe(true);
    for (const bad of ['0 3 * *', 'every night', '@sometimes', '0 3 * * * *'])
      expect(cronPattern.test(bad), bad).toBe(false);
  });

  it('checks the values of a schedule too (croner), saying which field is wrong', () => {
    for (const good of ['0 3 * * *', '*/15 * * * 1-5', '@daily', '0 0 1 JAN *'])
      expect(cronProblem(good), good).toBeNull();
    expect(cronProblem('99 3 * * *')).toContain('minute');
    expect(cronProblem('0 25 * * *')).toContain('hour');
    expect(cronProblem('0 3 * * * *')).toContain('five fields');
  });
});
