/** Navidrome: Music server and streamer compatible with Subsonic clients. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'navidrome',
  title: 'Navidrome',
  description: 'Music server and streamer compatible with Subsonic clients.',
  category: 'media',
  upstream: 'https://www.navidrome.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'navidrome',
    port: 4533,
    subdomain: 'navidrome',
  },
  secrets: [],
  services: [
    {
      name: 'navidrome',
      type: 'media',
      image: 'deluan/navidrome:0.53.3',
      ports: [
        {
          container: 4533,
          host: 4533,
        },
      ],
      volumes: [
        {
          name: 'navidrome-data',
          mountPath: '/data',
        },
        {
          name: 'navidrome-music',
          mountPath: '/music',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:4533/ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
