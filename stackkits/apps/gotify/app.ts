/** Gotify: Server for sending and receiving messages and notifications. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'gotify',
  title: 'Gotify',
  description: 'Server for sending and receiving messages and notifications.',
  category: 'communication',
  upstream: 'https://gotify.net',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'gotify',
    port: 80,
    subdomain: 'gotify',
  },
  secrets: [
    {
      name: 'admin-password',
      description: 'password of the admin user',
    },
  ],
  services: [
    {
      name: 'gotify',
      type: 'service',
      image: 'gotify/server:2.5.0',
      ports: [
        {
          container: 80,
          host: 8076,
        },
      ],
      environmentSecrets: {
        GOTIFY_DEFAULTUSER_PASS: 'secret://gotify/admin-password',
      },
      volumes: [
        {
          name: 'gotify-data',
          mountPath: '/app/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:80/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
