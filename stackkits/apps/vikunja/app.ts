/** Vikunja: To-do lists and projects with kanban, Gantt and table views. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'vikunja',
  title: 'Vikunja',
  description: 'To-do lists and projects with kanban, Gantt and table views.',
  category: 'productivity',
  upstream: 'https://vikunja.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'vikunja',
    port: 3456,
    subdomain: 'tasks',
  },
  secrets: [
    {
      name: 'jwt-secret',
      length: 48,
      description: 'signs login tokens',
    },
  ],
  services: [
    {
      name: 'vikunja',
      type: 'service',
      image: 'vikunja/vikunja:0.24.1',
      ports: [
        {
          container: 3456,
          host: 3456,
        },
      ],
      environment: {
        VIKUNJA_DATABASE_TYPE: 'sqlite',
        VIKUNJA_DATABASE_PATH: '/db/vikunja.db',
      },
      environmentSecrets: {
        VIKUNJA_SERVICE_JWTSECRET: 'secret://vikunja/jwt-secret',
      },
      volumes: [
        {
          name: 'vikunja-files',
          mountPath: '/app/vikunja/files',
        },
        {
          name: 'vikunja-db',
          mountPath: '/db',
        },
      ],
      healthCheck: {
        command: ['CMD', '/app/vikunja/vikunja', 'healthcheck'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
