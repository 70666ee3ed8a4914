/** Vaultwarden: Bitwarden-compatible password manager server, light on resources. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'vaultwarden',
  title: 'Vaultwarden',
  description: 'Bitwarden-compatible password manager server, light on resources.',
  category: 'passwords',
  upstream: 'https://github.com/dani-garcia/vaultwarden',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'vaultwarden',
    port: 80,
    subdomain: 'vault',
  },
  secrets: [
    {
      name: 'admin-token',
      length: 48,
      description: 'token of the /admin page',
    },
  ],
  services: [
    {
      name: 'vaultwarden',
      type: 'auth',
      image: 'vaultwarden/server:1.32.1',
      ports: [
        {
          container: 80,
          host: 8222,
        },
      ],
      environment: {
        SIGNUPS_ALLOWED: 'false',
      },
      environmentSecrets: {
        ADMIN_TOKEN: 'secret://vaultwarden/admin-token',
      },
      volumes: [
        {
          name: 'vaultwarden-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', '/healthcheck.sh'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
