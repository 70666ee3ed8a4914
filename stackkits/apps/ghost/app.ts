/** Ghost: Publishing platform for blogs and newsletters. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'ghost',
  title: 'Ghost',
  description: 'Publishing platform for blogs and newsletters.',
  category: 'productivity',
  upstream: 'https://ghost.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'ghost',
    port: 2368,
    subdomain: 'blog',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
    {
      name: 'db-root-password',
      description: 'password of the database root user',
    },
  ],
  services: [
    {
      name: 'ghost',
      type: 'service',
      image: 'ghost:5.96.1-alpine',
      ports: [
        {
          container: 2368,
          host: 2368,
        },
      ],
      environment: {
        database__client: 'mysql',
        database__connection__host: 'ghost-db',
        database__connection__user: 'ghost',
        database__connection__database: 'ghost',
        url: 'http://localhost:2368',
      },
      environmentSecrets: {
        database__connection__password: 'secret://ghost/db-password',
      },
      volumes: [
        {
          name: 'ghost-content',
          mountPath: '/var/lib/ghost/content',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:2368/ghost/api/admin/site/'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['ghost-db'],
    },
    {
      name: 'ghost-db',
      type: 'database',
      image: 'mariadb:11.4.3',
      environment: {
        MARIADB_DATABASE: 'ghost',
        MARIADB_USER: 'ghost',
      },
      environmentSecrets: {
        MARIADB_PASSWORD: 'secret://ghost/db-password',
        MARIADB_ROOT_PASSWORD: 'secret://ghost/db-root-password',
      },
      volumes: [
        {
          name: 'ghost-db',
          mountPath: '/var/lib/mysql',
        },
      ],
      healthCheck: {
        command: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        interval: '10s',
        startPeriod: '30s',
      },
    },
  ],
});
