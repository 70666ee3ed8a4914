/** Dashy: Self-hosted start page with themes, icons and status checks. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'dashy',
  title: 'Dashy',
  description: 'Self-hosted start page with themes, icons and status checks.',
  category: 'dashboards',
  upstream: 'https://dashy.to',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'dashy',
    port: 8080,
    subdomain: 'dashy',
  },
  secrets: [],
  services: [
    {
      name: 'dashy',
      type: 'service',
      image: 'lissy93/dashy:3.1.0',
      ports: [
        {
          container: 8080,
          host: 4000,
        },
      ],
      volumes: [
        {
          name: 'dashy-user-data',
          mountPath: '/app/user-data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'node', '/app/services/healthcheck'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
