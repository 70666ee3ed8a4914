/**
 * Headscale's configuration file (it reads YAML; JSON is valid YAML). Kept minimal: the public URL
 * clients log in at, SQLite state in the data volume, MagicDNS under a stack-specific base domain,
 * and Tailscale's public DERP relays.
 */
export const headscaleConfigPath = '/etc/headscale/config.yaml';

export function headscaleConfig(o: {
  serverUrl: string;
  baseDomain: string;
  dnsServers: readonly string[];
}): string {
  const config = {
    server_url: o.serverUrl,
    listen_addr: '0.0.0.0:8080',
    metrics_listen_addr: '127.0.0.1:9090',
    noise: { private_key_path: '/var/lib/headscale/noise_private.key' },
    prefixes: { v4: '100.64.0.0/10', v6: 'fd7a:115c:a1e0::/48', allocation: 'sequential' },
    derp: {
      server: { enabled: false },
      urls: ['https://controlplane.tailscale.com/derpmap/default'],
      auto_update_enabled: true,
      update_frequency: '24h',
    },
    database: { type: 'sqlite', sqlite: { path: '/var/lib/headscale/db.sqlite' } },
    dns: { magic_dns: true, base_domain: o.baseDomain, nameservers: { global: [...o.dnsServers] } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
