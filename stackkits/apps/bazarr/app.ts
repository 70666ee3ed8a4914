/** Bazarr: Fetches subtitles for the films and series Sonarr and Radarr manage. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'bazarr',
  title: 'Bazarr',
  description: 'Fetches subtitles for the films and series Sonarr and Radarr manage.',
  category: 'downloads',
  upstream: 'https://www.bazarr.media',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'bazarr',
    port: 6767,
    subdomain: 'bazarr',
  },
  secrets: [],
  services: [
    {
      name: 'bazarr',
      type: 'service',
      image: 'lscr.io/linuxserver/bazarr:1.4.5',
      ports: [
        {
          container: 6767,
          host: 6767,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'bazarr-config',
          mountPath: '/config',
        },
        {
          name: 'bazarr-media',
          mountPath: '/media',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:6767/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
