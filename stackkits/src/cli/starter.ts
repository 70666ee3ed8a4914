/**
 * Starter kombination.yaml texts for `stackkit init`: one per kit, commented, valid as written for
 * every variant of the kit (a test parses each one). Placeholders a user must change (SSH hosts,
 * domains) use documentation addresses (RFC 5737) and say so.
 */
import { type KitInfo, type KitName, listKits } from '../index.ts';

export interface StarterOptions {
  kit: KitName;
  variant: string;
  /** Stack name, a DNS label. */
  name: string;
  /** `$schema` reference for the YAML language server (a path or URL), or none. */
  schema?: string;
}

/** A DNS label from any text (a directory name): lowercase, `-` for the rest; undefined if none. */
export function stackNameFrom(text: string): string | undefined {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(label) ? label : undefined;
}

function kitInfo(kit: KitName): KitInfo {
  const info = listKits().find((k) => k.name === kit);
  if (!info) throw new Error(`unknown kit ${kit}`);
  return info;
}

function header(o: StarterOptions, info: KitInfo): string[] {
  const variant = info.variants.find((v) => v.name === o.variant);
  const services = variant?.services.map((s) => s.name).join(', ') ?? '';
  return [
    ...(o.schema ? [`# yaml-language-server: $schema=${o.schema}`] : []),
    `# ${o.name}: a ${info.name} stack — ${info.summary}.`,
    `# Variant ${o.variant}: ${variant?.summary ?? ''} (${services}).`,
    '#',
    '# Next: stackkit validate → stackkit prepare → stackkit generate → stackkit plan → stackkit apply',
    '# Every field: stackkits/README.md, "kombination.yaml reference".',
    `name: ${o.name}`,
    `kit: ${info.name}`,
    `variant: ${o.variant}`,
    '',
  ];
}

const serviceExample = [
  '',
  "# Your own services run next to the kit's. A service named like a kit service (say",
  '# uptime-kuma) customises it instead.',
  '# services:',
  '#   - name: postgres',
  '#     type: database',
  '#     image: postgres:16-alpine',
  '#     ports:',
  '#       - container: 5432',
  '#         host: 5432',
  '#     volumes:',
  '#       - name: pg-data',
  '#         mountPath: /var/lib/postgresql/data',
  '#     environmentSecrets:',
  '#       POSTGRES_PASSWORD: secret://postgres/password   # a reference, never the secret',
];

const systemExample = [
  '',
  '# system:',
  '#   timezone: Europe/Berlin',
  '#   os: ubuntu-24                      # ubuntu-24, ubuntu-22, debian-12',
  '#   registryMirror: registry.local:5000 # pull every image through a mirror',
];

function baseHomelab(o: StarterOptions): string[] {
  const coolify = o.variant === 'coolify';
  return [
    'nodes:',
    '  - name: server',
    '    type: main',
    '    provider: local',
    "    # Without ssh the stack goes to this machine's Docker. For another server:",
    '    # ssh:',
    '    #   host: 192.0.2.10           # its address',
    '    #   user: ubuntu',
    '    #   key_path: ~/.ssh/id_ed25519',
    '    # The compute tier follows these: at least 4 CPU and 8Gi run every variant, 8 CPU and',
    '    # 16Gi add Prometheus and Grafana, less than 4 CPU or 8Gi runs only the minimal variant.',
    '    resources:',
    '      cpu: 4',
    '      memory: 8Gi',
    '      disk: 100Gi',
    '',
    'network:',
    ...(coolify
      ? [
          '  # Coolify needs a real domain you own: services get host names like',
          '  # coolify.<domain> through Traefik (access mode proxy). Replace example.com.',
          '  domain: example.com',
        ]
      : [
          '  # "local": every service on its own host port (access mode ports). With a real domain',
          '  # services get host names like status.<domain> through Traefik (access mode proxy).',
          '  domain: local',
        ]),
    '  # vpn: tailscale                   # headscale, wireguard, tailscale or none',
    ...systemExample,
    ...serviceExample,
  ];
}

function modernHomelab(): string[] {
  return [
    'nodes:',
    '  # The Swarm manager at home: runs Dokploy, Uptime Kuma and the Dozzle hub.',
    '  - name: home',
    '    type: main',
    '    provider: local',
    '    ssh:',
    '      host: 192.0.2.20               # replace with its address',
    '      user: ubuntu',
    '    resources:',
    '      cpu: 4',
    '      memory: 8Gi',
    '      disk: 100Gi',
    '  # A cloud server: the public entry point (Traefik, whoami, the Headscale control server).',
    '  - name: vps',
    '    type: worker',
    '    provider: hetzner                 # hetzner, aws, gcp, azure, digitalocean',
    '    ssh:',
    '      host: 203.0.113.10             # replace with its address',
    '  # Add edge nodes (type: edge, provider: local or docker), say a Raspberry Pi.',
    '',
    'network:',
    '  # Home and cloud nodes reach each other over a VPN overlay: headscale or tailscale.',
    '  vpn: headscale',
    '  # "local": services on their host ports. With a real domain, host names through Traefik.',
    '  domain: local',
    ...systemExample,
    ...serviceExample,
  ];
}

function haHomelab(o: StarterOptions): string[] {
  const node = (name: string, type: string, host: string, cpu: number, memory: string, disk: string) => [
    `  - name: ${name}`,
    `    type: ${type}`,
    '    ssh:',
    `      host: ${host}`,
    '    resources:',
    `      cpu: ${cpu}`,
    `      memory: ${memory}`,
    `      disk: ${disk}`,
  ];
  const workers =
    o.variant === 'enterprise'
      ? [
          '  # Workers (at least 2 CPU, 4Gi, 50Gi). The enterprise variant needs 5 Swarm nodes or more.',
          ...node('w1', 'worker', '192.0.2.21', 2, '4Gi', '50Gi'),
          ...node('w2', 'worker', '192.0.2.22', 2, '4Gi', '50Gi'),
        ]
      : [
          '  # Workers (at least 2 CPU, 4Gi, 50Gi) take the rest of the load:',
          '  # - name: w1',
          '  #   type: worker',
          '  #   ssh:',
          '  #     host: 192.0.2.21',
        ];
  return [
    'nodes:',
    '  # Swarm managers: the main nodes, 3, 5 or 7 of them (3 tolerate one failure), each with at',
    '  # least 4 CPU, 8Gi and 100Gi. Replace the addresses with your servers.',
    ...node('m1', 'main', '192.0.2.11', 4, '8Gi', '100Gi'),
    ...node('m2', 'main', '192.0.2.12', 4, '8Gi', '100Gi'),
    ...node('m3', 'main', '192.0.2.13', 4, '8Gi', '100Gi'),
    ...workers,
    '',
    'network:',
    '  # "local": services on their host ports. With a real domain, host names through Traefik.',
    '  domain: local',
    '  # internal:',
    '  #   subnet: 10.10.0.0/16             # the Swarm overlay network',
    ...systemExample,
    ...serviceExample,
  ];
}

/** The starter spec text for a kit and variant. */
export function starterSpec(o: StarterOptions): string {
  const info = kitInfo(o.kit);
  const body =
    o.kit === 'base-homelab' ? baseHomelab(o) : o.kit === 'modern-homelab' ? modernHomelab() : haHomelab(o);
  return `${[...header(o, info), ...body].join('\n')}\n`;
}
