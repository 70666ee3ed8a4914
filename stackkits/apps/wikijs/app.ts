/** Wiki.js: Modern wiki with a visual editor, Git sync and search. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'wikijs',
  title: 'Wiki.js',
  description: 'Modern wiki with a visual editor, Git sync and search.',
  category: 'notes',
  upstream: 'https://js.wiki',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'wikijs',
    port: 3000,
    subdomain: 'wiki',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
  ],
  services: [
    {
      name: 'wikijs',
      type: 'service',
      image: 'ghcr.io/requarks/wiki:2.5.300',
      ports: [
        {
          container: 3000,
          host: 3050,
        },
      ],
      environment: {
        DB_TYPE: 'postgres',
        DB_HOST: 'wikijs-db',
        DB_PORT: '5432',
        DB_NAME: 'wiki',
        DB_USER: 'wiki',
      },
      environmentSecrets: {
        DB_PASS: 'secret://wikijs/db-password',
      },
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['wikijs-db'],
    },
    {
      name: 'wikijs-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'wiki',
        POSTGRES_USER: 'wiki',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://wikijs/db-password',
      },
      volumes: [
        {
          name: 'wikijs-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U wiki -d wiki'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
  ],
});
