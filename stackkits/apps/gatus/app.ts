/** Gatus: Health dashboard that checks your endpoints and alerts when they fail. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'gatus',
  title: 'Gatus',
  description: 'Health dashboard that checks your endpoints and alerts when they fail.',
  category: 'monitoring',
  upstream: 'https://gatus.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'gatus',
    port: 8080,
    subdomain: 'gatus',
  },
  secrets: [],
  services: [
    {
      name: 'gatus',
      type: 'monitoring',
      image: 'twinproduction/gatus:v5.12.1',
      ports: [
        {
          container: 8080,
          host: 8086,
        },
      ],
      volumes: [
        {
          name: 'gatus-data',
          mountPath: '/data',
        },
        {
          name: 'gatus-config',
          mountPath: '/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
