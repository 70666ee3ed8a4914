/** Paperless-ngx: Scan, index and archive your paper documents with full-text search. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'paperless-ngx',
  title: 'Paperless-ngx',
  description: 'Scan, index and archive your paper documents with full-text search.',
  category: 'files',
  upstream: 'https://docs.paperless-ngx.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '2Gi',
  },
  route: {
    service: 'paperless-ngx',
    port: 8000,
    subdomain: 'paperless',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
    {
      name: 'secret-key',
      length: 64,
      description: 'Django secret key',
    },
  ],
  services: [
    {
      name: 'paperless-ngx',
      type: 'service',
      image: 'ghcr.io/paperless-ngx/paperless-ngx:2.12.1',
      ports: [
        {
          container: 8000,
          host: 8010,
        },
      ],
      environment: {
        PAPERLESS_REDIS: 'redis://paperless-ngx-redis:6379',
        PAPERLESS_DBHOST: 'paperless-ngx-db',
        PAPERLESS_DBNAME: 'paperless',
        PAPERLESS_DBUSER: 'paperless',
      },
      environmentSecrets: {
        PAPERLESS_DBPASS: 'secret://paperless-ngx/db-password',
        PAPERLESS_SECRET_KEY: 'secret://paperless-ngx/secret-key',
      },
      volumes: [
        {
          name: 'paperless-ngx-data',
          mountPath: '/usr/src/paperless/data',
        },
        {
          name: 'paperless-ngx-media',
          mountPath: '/usr/src/paperless/media',
        },
        {
          name: 'paperless-ngx-consume',
          mountPath: '/usr/src/paperless/consume',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8000/'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['paperless-ngx-db', 'paperless-ngx-redis'],
    },
    {
      name: 'paperless-ngx-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'paperless',
        POSTGRES_USER: 'paperless',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://paperless-ngx/db-password',
      },
      volumes: [
        {
          name: 'paperless-ngx-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U paperless -d paperless'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
    {
      name: 'paperless-ngx-redis',
      type: 'cache',
      image: 'redis:7.4.1-alpine',
      volumes: [
        {
          name: 'paperless-ngx-redis',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'redis-cli', 'ping'],
        interval: '10s',
      },
    },
  ],
});
