/** HedgeDoc: Collaborative Markdown notes, edited together in real time. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'hedgedoc',
  title: 'HedgeDoc',
  description: 'Collaborative Markdown notes, edited together in real time.',
  category: 'notes',
  upstream: 'https://hedgedoc.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'hedgedoc',
    port: 3000,
    subdomain: 'pad',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
    {
      name: 'session-secret',
      length: 48,
      description: 'signs session cookies',
    },
  ],
  services: [
    {
      name: 'hedgedoc',
      type: 'service',
      image: 'quay.io/hedgedoc/hedgedoc:1.10.0',
      ports: [
        {
          container: 3000,
          host: 3040,
        },
      ],
      environment: {
        CMD_DB_DIALECT: 'postgres',
        CMD_DB_HOST: 'hedgedoc-db',
        CMD_DB_DATABASE: 'hedgedoc',
        CMD_DB_USERNAME: 'hedgedoc',
        CMD_DOMAIN: 'localhost',
      },
      environmentSecrets: {
        CMD_DB_PASSWORD: 'secret://hedgedoc/db-password',
        CMD_SESSION_SECRET: 'secret://hedgedoc/session-secret',
      },
      volumes: [
        {
          name: 'hedgedoc-uploads',
          mountPath: '/hedgedoc/public/uploads',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:3000/status').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['hedgedoc-db'],
    },
    {
      name: 'hedgedoc-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'hedgedoc',
        POSTGRES_USER: 'hedgedoc',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://hedgedoc/db-password',
      },
      volumes: [
        {
          name: 'hedgedoc-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U hedgedoc -d hedgedoc'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
  ],
});
