/** Node-RED: Low-code flows that wire devices, APIs and services together. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'node-red',
  title: 'Node-RED',
  description: 'Low-code flows that wire devices, APIs and services together.',
  category: 'home-automation',
  upstream: 'https://nodered.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'node-red',
    port: 1880,
    subdomain: 'node-red',
  },
  secrets: [],
  services: [
    {
      name: 'node-red',
      type: 'automation',
      image: 'nodered/node-red:4.0.3',
      ports: [
        {
          container: 1880,
          host: 1880,
        },
      ],
      volumes: [
        {
          name: 'node-red-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'node', '/healthcheck.js'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
