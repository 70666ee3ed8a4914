/** PhotoPrism: AI-powered photo library with faces, places and a map. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'photoprism',
  title: 'PhotoPrism',
  description: 'AI-powered photo library with faces, places and a map.',
  category: 'photos',
  upstream: 'https://www.photoprism.app',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '4Gi',
  },
  route: {
    service: 'photoprism',
    port: 2342,
    subdomain: 'photoprism',
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
    {
      name: 'admin-password',
      description: 'password of the admin user',
    },
  ],
  services: [
    {
      name: 'photoprism',
      type: 'media',
      image: 'photoprism/photoprism:240915',
      ports: [
        {
          container: 2342,
          host: 2342,
        },
      ],
      environment: {
        PHOTOPRISM_DATABASE_DRIVER: 'mysql',
        PHOTOPRISM_DATABASE_SERVER: 'photoprism-db:3306',
        PHOTOPRISM_DATABASE_NAME: 'photoprism',
        PHOTOPRISM_DATABASE_USER: 'photoprism',
        PHOTOPRISM_AUTH_MODE: 'password',
      },
      environmentSecrets: {
        PHOTOPRISM_DATABASE_PASSWORD: 'secret://photoprism/db-password',
        PHOTOPRISM_ADMIN_PASSWORD: 'secret://photoprism/admin-password',
      },
      volumes: [
        {
          name: 'photoprism-storage',
          mountPath: '/photoprism/storage',
        },
        {
          name: 'photoprism-originals',
          mountPath: '/photoprism/originals',
        },
      ],
      healthCheck: {
        command: ['CMD', 'photoprism', 'status'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['photoprism-db'],
    },
    {
      name: 'photoprism-db',
      type: 'database',
      image: 'mariadb:11.4.3',
      environment: {
        MARIADB_DATABASE: 'photoprism',
        MARIADB_USER: 'photoprism',
      },
      environmentSecrets: {
        MARIADB_PASSWORD: 'secret://photoprism/db-password',
        MARIADB_ROOT_PASSWORD: 'secret://photoprism/db-root-password',
      },
      volumes: [
        {
          name: 'photoprism-db',
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
