/** Actual Budget: Envelope budgeting that keeps your finances on your own server. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'actual',
  title: 'Actual Budget',
  description: 'Envelope budgeting that keeps your finances on your own server.',
  category: 'finance',
  upstream: 'https://actualbudget.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'actual',
    port: 5006,
    subdomain: 'budget',
  },
  secrets: [],
  services: [
    {
      name: 'actual',
      type: 'service',
      image: 'actualbudget/actual-server:24.10.1',
      ports: [
        {
          container: 5006,
          host: 5006,
        },
      ],
      volumes: [
        {
          name: 'actual-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:5006/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
