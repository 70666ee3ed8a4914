/** Immich: Photo and video backup from your phone, with search and sharing. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'immich',
  title: 'Immich',
  description: 'Photo and video backup from your phone, with search and sharing.',
  category: 'photos',
  upstream: 'https://immich.app',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '4Gi',
    disk: '50Gi',
  },
  route: {
    service: 'immich',
    port: 2283,
    subdomain: 'immich',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
  ],
  services: [
    {
      name: 'immich',
      type: 'media',
      image: 'ghcr.io/immich-app/immich-server:v1.118.2',
      ports: [
        {
          container: 2283,
          host: 2283,
        },
      ],
      environment: {
        DB_HOSTNAME: 'immich-db',
        DB_USERNAME: 'immich',
        DB_DATABASE_NAME: 'immich',
        REDIS_HOSTNAME: 'immich-redis',
      },
      environmentSecrets: {
        DB_PASSWORD: 'secret://immich/db-password',
      },
      volumes: [
        {
          name: 'immich-upload',
          mountPath: '/usr/src/app/upload',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:2283/api/server/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['immich-db', 'immich-redis'],
    },
    {
      name: 'immich-db',
      type: 'database',
      image: 'tensorchord/pgvecto-rs:pg14-v0.2.0',
      environment: {
        POSTGRES_DB: 'immich',
        POSTGRES_USER: 'immich',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://immich/db-password',
      },
      volumes: [
        {
          name: 'immich-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U immich -d immich'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
    {
      name: 'immich-redis',
      type: 'cache',
      image: 'redis:7.4.1-alpine',
      volumes: [
        {
          name: 'immich-redis',
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
