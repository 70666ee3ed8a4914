/** Nextcloud: Files, calendars and contacts in your own cloud. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'nextcloud',
  title: 'Nextcloud',
  description: 'Files, calendars and contacts in your own cloud.',
  category: 'files',
  upstream: 'https://nextcloud.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '2Gi',
    disk: '20Gi',
  },
  route: {
    service: 'nextcloud',
    port: 80,
    subdomain: 'nextcloud',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
    {
      name: 'admin-password',
      description: 'password of the admin user',
    },
  ],
  services: [
    {
      name: 'nextcloud',
      type: 'storage',
      image: 'nextcloud:29.0.7-apache',
      ports: [
        {
          container: 80,
          host: 8880,
        },
      ],
      environment: {
        POSTGRES_HOST: 'nextcloud-db',
        POSTGRES_DB: 'nextcloud',
        POSTGRES_USER: 'nextcloud',
        REDIS_HOST: 'nextcloud-redis',
        NEXTCLOUD_ADMIN_USER: 'admin',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://nextcloud/db-password',
        NEXTCLOUD_ADMIN_PASSWORD: 'secret://nextcloud/admin-password',
      },
      volumes: [
        {
          name: 'nextcloud-html',
          mountPath: '/var/www/html',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:80/status.php'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['nextcloud-db', 'nextcloud-redis'],
    },
    {
      name: 'nextcloud-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'nextcloud',
        POSTGRES_USER: 'nextcloud',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://nextcloud/db-password',
      },
      volumes: [
        {
          name: 'nextcloud-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U nextcloud -d nextcloud'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
    {
      name: 'nextcloud-redis',
      type: 'cache',
      image: 'redis:7.4.1-alpine',
      volumes: [
        {
          name: 'nextcloud-redis',
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
