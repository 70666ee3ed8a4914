/** Jellyseerr: Request films and series for Jellyfin; requests go to Sonarr and Radarr. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'jellyseerr',
  title: 'Jellyseerr',
  description: 'Request films and series for Jellyfin; requests go to Sonarr and Radarr.',
  category: 'media',
  upstream: 'https://github.com/Fallenbagel/jellyseerr',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'jellyseerr',
    port: 5055,
    subdomain: 'jellyseerr',
  },
  secrets: [],
  services: [
    {
      name: 'jellyseerr',
      type: 'service',
      image: 'fallenbagel/jellyseerr:1.9.2',
      ports: [
        {
          container: 5055,
          host: 5055,
        },
      ],
      volumes: [
        {
          name: 'jellyseerr-config',
          mountPath: '/app/config',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:5055/api/v1/status').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
