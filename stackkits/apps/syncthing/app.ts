/** Syncthing: Continuous peer-to-peer file synchronisation between your devices. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'syncthing',
  title: 'Syncthing',
  description: 'Continuous peer-to-peer file synchronisation between your devices.',
  category: 'files',
  upstream: 'https://syncthing.net',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'syncthing',
    port: 8384,
    subdomain: 'syncthing',
  },
  secrets: [],
  services: [
    {
      name: 'syncthing',
      type: 'storage',
      image: 'syncthing/syncthing:1.27.12',
      ports: [
        {
          container: 8384,
          host: 8384,
        },
      ],
      volumes: [
        {
          name: 'syncthing-data',
          mountPath: '/var/syncthing',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8384/rest/noauth/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
