/** Firefly III: Personal finance manager: accounts, budgets, rules and reports. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'firefly-iii',
  title: 'Firefly III',
  description: 'Personal finance manager: accounts, budgets, rules and reports.',
  category: 'finance',
  upstream: 'https://www.firefly-iii.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'firefly-iii',
    port: 8080,
    subdomain: 'money',
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
      name: 'app-key',
      length: 32,
      description: 'Laravel application key (exactly 32 characters)',
    },
  ],
  services: [
    {
      name: 'firefly-iii',
      type: 'service',
      image: 'fireflyiii/core:version-6.1.21',
      ports: [
        {
          container: 8080,
          host: 8074,
        },
      ],
      environment: {
        DB_CONNECTION: 'mysql',
        DB_HOST: 'firefly-iii-db',
        DB_PORT: '3306',
        DB_DATABASE: 'firefly',
        DB_USERNAME: 'firefly',
      },
      environmentSecrets: {
        DB_PASSWORD: 'secret://firefly-iii/db-password',
        APP_KEY: 'secret://firefly-iii/app-key',
      },
      volumes: [
        {
          name: 'firefly-iii-upload',
          mountPath: '/var/www/html/storage/upload',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/health'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['firefly-iii-db'],
    },
    {
      name: 'firefly-iii-db',
      type: 'database',
      image: 'mariadb:11.4.3',
      environment: {
        MARIADB_DATABASE: 'firefly',
        MARIADB_USER: 'firefly',
      },
      environmentSecrets: {
        MARIADB_PASSWORD: 'secret://firefly-iii/db-password',
        MARIADB_ROOT_PASSWORD: 'secret://firefly-iii/db-root-password',
      },
      volumes: [
        {
          name: 'firefly-iii-db',
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
