/** Homepage: A fast, static dashboard for your services with status widgets. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'homepage',
  title: 'Homepage',
  description: 'A fast, static dashboard for your services with status widgets.',
  category: 'dashboards',
  upstream: 'https://gethomepage.dev',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'homepage',
    port: 3000,
    subdomain: 'home-page',
  },
  secrets: [],
  services: [
    {
      name: 'homepage',
      type: 'service',
      image: 'ghcr.io/gethomepage/homepage:v0.9.10',
      ports: [
        {
          container: 3000,
          host: 3010,
        },
      ],
      volumes: [
        {
          name: 'homepage-config',
          mountPath: '/app/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:3000/api/healthcheck'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
