/** Forgejo: Community-governed Git forge, a soft fork of Gitea. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'forgejo',
  title: 'Forgejo',
  description: 'Community-governed Git forge, a soft fork of Gitea.',
  category: 'git',
  upstream: 'https://forgejo.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'forgejo',
    port: 3000,
    subdomain: 'forgejo',
  },
  secrets: [],
  services: [
    {
      name: 'forgejo',
      type: 'development',
      image: 'codeberg.org/forgejo/forgejo:8.0.3',
      ports: [
        {
          container: 3000,
          host: 3030,
        },
      ],
      volumes: [
        {
          name: 'forgejo-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:3000/api/healthz'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
