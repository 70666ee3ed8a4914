/** Sonarr: Watches for new episodes of your series and sends them to your download client. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'sonarr',
  title: 'Sonarr',
  description: 'Watches for new episodes of your series and sends them to your download client.',
  category: 'downloads',
  upstream: 'https://sonarr.tv',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'sonarr',
    port: 8989,
    subdomain: 'sonarr',
  },
  secrets: [],
  services: [
    {
      name: 'sonarr',
      type: 'service',
      image: 'lscr.io/linuxserver/sonarr:4.0.10',
      ports: [
        {
          container: 8989,
          host: 8989,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'sonarr-config',
          mountPath: '/config',
        },
        {
          name: 'sonarr-media',
          mountPath: '/tv',
        },
        {
          name: 'sonarr-downloads',
          mountPath: '/downloads',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8989/ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
