/** Gitea: Lightweight Git hosting with issues, pull requests and packages. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'gitea',
  title: 'Gitea',
  description: 'Lightweight Git hosting with issues, pull requests and packages.',
  category: 'git',
  upstream: 'https://about.gitea.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'gitea',
    port: 3000,
    subdomain: 'git',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
  ],
  services: [
    {
      name: 'gitea',
      type: 'development',
      image: 'gitea/gitea:1.22.2',
      ports: [
        {
          container: 3000,
          host: 3020,
        },
      ],
      environment: {
        GITEA__database__DB_TYPE: 'postgres',
        GITEA__database__HOST: 'gitea-db:5432',
        GITEA__database__NAME: 'gitea',
        GITEA__database__USER: 'gitea',
      },
      environmentSecrets: {
        GITEA__database__PASSWD: 'secret://gitea/db-password',
      },
      volumes: [
        {
          name: 'gitea-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:3000/api/healthz'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['gitea-db'],
    },
    {
      name: 'gitea-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'gitea',
        POSTGRES_USER: 'gitea',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://gitea/db-password',
      },
      volumes: [
        {
          name: 'gitea-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U gitea -d gitea'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
  ],
});
