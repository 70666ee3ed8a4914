/** Jellyfin: Stream your films, series and music to every device, without a subscription. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'jellyfin',
  title: 'Jellyfin',
  description: 'Stream your films, series and music to every device, without a subscription.',
  category: 'media',
  upstream: 'https://jellyfin.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '2Gi',
    disk: '20Gi',
  },
  route: {
    service: 'jellyfin',
    port: 8096,
    subdomain: 'jellyfin',
  },
  secrets: [],
  services: [
    {
      name: 'jellyfin',
      type: 'media',
      image: 'jellyfin/jellyfin:10.9.11',
      ports: [
        {
          container: 8096,
          host: 8096,
        },
      ],
      volumes: [
        {
          name: 'jellyfin-config',
          mountPath: '/config',
        },
        {
          name: 'jellyfin-cache',
          mountPath: '/cache',
        },
        {
          name: 'jellyfin-media',
          mountPath: '/media',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8096/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
