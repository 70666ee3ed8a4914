/** Lidarr: Music collection manager that follows artists and fetches new releases. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'lidarr',
  title: 'Lidarr',
  description: 'Music collection manager that follows artists and fetches new releases.',
  category: 'downloads',
  upstream: 'https://lidarr.audio',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'lidarr',
    port: 8686,
    subdomain: 'lidarr',
  },
  secrets: [],
  services: [
    {
      name: 'lidarr',
      type: 'service',
      image: 'lscr.io/linuxserver/lidarr:2.5.3',
      ports: [
        {
          container: 8686,
          host: 8686,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'lidarr-config',
          mountPath: '/config',
        },
        {
          name: 'lidarr-music',
          mountPath: '/music',
        },
        {
          name: 'lidarr-downloads',
          mountPath: '/downloads',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8686/ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
