/** Prowlarr: One indexer manager for Sonarr, Radarr and the other *arr apps. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'prowlarr',
  title: 'Prowlarr',
  description: 'One indexer manager for Sonarr, Radarr and the other *arr apps.',
  category: 'downloads',
  upstream: 'https://prowlarr.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'prowlarr',
    port: 9696,
    subdomain: 'prowlarr',
  },
  secrets: [],
  services: [
    {
      name: 'prowlarr',
      type: 'service',
      image: 'lscr.io/linuxserver/prowlarr:1.22.0',
      ports: [
        {
          container: 9696,
          host: 9696,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'prowlarr-config',
          mountPath: '/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:9696/ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
