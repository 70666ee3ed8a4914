/** Mailpit: Catches the mail your apps send, with a web inbox to read it. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'mailpit',
  title: 'Mailpit',
  description: 'Catches the mail your apps send, with a web inbox to read it.',
  category: 'communication',
  upstream: 'https://mailpit.axllent.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'mailpit',
    port: 8025,
    subdomain: 'mailpit',
  },
  secrets: [],
  services: [
    {
      name: 'mailpit',
      type: 'service',
      image: 'axllent/mailpit:v1.20.5',
      ports: [
        {
          container: 8025,
          host: 8025,
        },
      ],
      environment: {
        MP_DATABASE: '/data/mailpit.db',
      },
      volumes: [
        {
          name: 'mailpit-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', '/mailpit', 'readyz'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
