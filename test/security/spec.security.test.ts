/**
 * M3: every string field of kombination.yaml has a length cap checked before any pattern, and the
 * host pattern is linear. The timing (< 50 ms for the whole 1 MiB spec) is measured by
 * `npm run bench -- spec`; this test checks what must hold on any machine: the spec is refused,
 * each oversized field named by its path.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, validateSpec } from '../../stackkits/src/index.ts';
import { hostPattern, isHost } from '../../stackkits/src/spec/formats.ts';
import { ADVERSARIAL_BYTES, adversarialSpec } from './adversarial-spec.ts';

describe('M3 spec string fields are capped before any regex', () => {
  it('M3 a 1 MiB adversarial spec is refused with each oversized field by its path', () => {
    const { data, yaml } = adversarialSpec();
    expect(yaml.length).toBeGreaterThan(ADVERSARIAL_BYTES - 100);
    expect(yaml.length).toBeLessThanOrEqual(ADVERSARIAL_BYTES);
    for (const result of [validateSpec(data), parseSpec(yaml)]) {
      expect(result.spec).toBeUndefined();
      const byPath = new Map(result.errors.map((e) => [e.path, e.message]));
      expect(byPath.get('nodes[0].ssh.host')).toMatch(/at most 253 characters/);
      for (const path of [
        'nodes[0].ssh.user',
        'nodes[0].ssh.key_path',
        'nodes[0].taints[0]',
        'services[0].image',
        'services[0].user',
        'services[0].environmentSecrets.B',
        'services[0].labels["com.example.x"]',
        'services[0].network.aliases[0]',
        'services[0].network.proxy.domain',
        'services[0].placement[0]',
        'services[0].files[0].path',
        'services[0].files[0].content',
        'services[0].healthCheck.interval',
        'system.timezone',
        'system.registryMirror',
        'network.domain',
        'network.dns.servers[0]',
        'observability.backup.schedule',
      ]) {
        expect(byPath.get(path), path).toMatch(/at most \d+ characters/);
      }
      // A union (string, number or boolean) names the field with its own message.
      expect(byPath.get('services[0].environment.A')).toBeDefined();
    }
  });

  it('M3 the host pattern is linear on its own, not only behind the length cap', () => {
    // Editors run the published pattern without our cap: 20,000 colons made the old pattern try
    // every colon as the IPv6 split (about 0.5 s); the linear one gives up after 253 characters.
    const colons = `${':'.repeat(20_000)}x`;
    const t = performance.now();
    expect(hostPattern.test(colons)).toBe(false);
    // Generous for a loaded machine: the linear pattern needs well under a millisecond.
    expect(performance.now() - t).toBeLessThan(100);
    expect(isHost(colons)).toBe(false);
    expect(isHost('[2001:db8::1]')).toBe(true);
    expect(isHost('192.168.1.10')).toBe(true);
    expect(isHost('nas.home.example')).toBe(true);
    const label = (ch: string, n: number) => ch.repeat(n);
    expect(isHost([label('a', 63), label('b', 63), label('c', 63), label('d', 61)].join('.'))).toBe(true);
    expect(isHost([label('a', 63), label('b', 63), label('c', 63), label('d', 62)].join('.'))).toBe(false);
  });
});
