/**
 * A kombination spec of about 1 MiB built to be slow to check (issue 20, M3): a 40,000-character
 * host made of colons (the old host pattern tried every colon as the IPv6 split), and every other
 * kind of string field filled far past its cap. Shared by the security test and the `spec` bench.
 */
export const ADVERSARIAL_BYTES = 1024 * 1024;

export function adversarialSpec(): { data: Record<string, unknown>; yaml: string } {
  const long = (n: number, unit = 'a') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const host = `${':'.repeat(40_000)}x`;
  const data = {
    name: 'attack',
    nodes: [
      {
        name: 'main',
        type: 'main',
        ssh: { host, user: long(20_000, 'a_'), key_path: `/${long(60_000, 'a/')}` },
        labels: { [long(20_000, 'a.')]: long(20_000) },
        taints: [`${long(40_000, 'a-')}:NoSchedule`],
      },
    ],
    services: [
      {
        name: 'app',
        image: `${long(100_000, 'a-')}!`,
        user: long(20_000, 'a.'),
        environment: { A: long(20_000) },
        environmentSecrets: { B: `secret://${long(60_000, 'a/')}` },
        labels: { 'com.example.x': long(60_000) },
        network: { aliases: [long(60_000, 'a.')], proxy: { domain: long(60_000, 'a.') } },
        placement: [`${long(40_000, 'a.')} == ${long(40_000, 'b ')}x`],
        files: [{ path: `/${long(60_000, 'a/')}`, content: long(70_000) }],
        healthCheck: { command: ['CMD'], interval: long(20_000, '1') },
      },
    ],
    system: { timezone: long(40_000, 'A/'), registryMirror: long(40_000, 'a.') },
    network: { domain: long(60_000, 'a.'), dns: { servers: [long(20_000, '1:')] } },
    observability: { backup: { schedule: long(40_000, '* ') } },
  };
  const json = JSON.stringify(data);
  // Pad to the 1 MiB the edge accepts, in a field that is capped too.
  data.services[0]!.environment.A += long(ADVERSARIAL_BYTES - json.length - 64);
  // JSON is YAML: the same spec as text for parseSpec (line and column in its errors).
  return { data, yaml: JSON.stringify(data) };
}
