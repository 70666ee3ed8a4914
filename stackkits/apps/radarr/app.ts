/** Radarr: Finds, downloads and organises films for your library. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'radarr',
  title: 'Radarr',
  description: 'Finds, downloads and organises films for your library.',
  category: 'downloads',
  upstream: 'https://radarr.video',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'radarr',
    port: 7878,
    subdomain: 'radarr',
  },
  secrets: [],
  services: [
    {
      name: 'radarr',
      type: 'service',
      image: 'lscr.io/linuxserver/radarr:5.8.3',
      ports: [
        {
          container: 7878,
          host: 7878,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'radarr-config',
          mountPath: '/config',
        },
        {
          name: 'radarr-media',
          mountPath: '/movies',
        },
        {
          name: 'radarr-downloads',
          mountPath: '/downloads',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:7878/ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
