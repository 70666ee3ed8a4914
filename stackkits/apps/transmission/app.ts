/** Transmission: Lightweight BitTorrent client with a web interface. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'transmission',
  title: 'Transmission',
  description: 'Lightweight BitTorrent client with a web interface.',
  category: 'downloads',
  upstream: 'https://transmissionbt.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'transmission',
    port: 9091,
    subdomain: 'transmission',
  },
  secrets: [],
  services: [
    {
      name: 'transmission',
      type: 'service',
      image: 'lscr.io/linuxserver/transmission:4.0.6',
      ports: [
        {
          container: 9091,
          host: 9091,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'transmission-config',
          mountPath: '/config',
        },
        {
          name: 'transmission-downloads',
          mountPath: '/downloads',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:9091/transmission/web/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
