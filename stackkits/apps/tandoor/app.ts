/** Tandoor Recipes: Recipes, meal plans and shopping lists for the household. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'tandoor',
  title: 'Tandoor Recipes',
  description: 'Recipes, meal plans and shopping lists for the household.',
  category: 'recipes',
  upstream: 'https://tandoor.dev',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'tandoor',
    port: 8080,
    subdomain: 'tandoor',
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
      name: 'tandoor',
      type: 'service',
      image: 'vabene1111/recipes:1.5.19',
      ports: [
        {
          container: 8080,
          host: 8073,
        },
      ],
      environment: {
        DB_ENGINE: 'django.db.backends.postgresql',
        POSTGRES_HOST: 'tandoor-db',
        POSTGRES_PORT: '5432',
        POSTGRES_DB: 'tandoor',
        POSTGRES_USER: 'tandoor',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://tandoor/db-password',
        SECRET_KEY: 'secret://tandoor/secret-key',
      },
      volumes: [
        {
          name: 'tandoor-static',
          mountPath: '/opt/recipes/staticfiles',
        },
        {
          name: 'tandoor-media',
          mountPath: '/opt/recipes/mediafiles',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/'],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['tandoor-db'],
    },
    {
      name: 'tandoor-db',
      type: 'database',
      image: 'postgres:16.4-alpine',
      environment: {
        POSTGRES_DB: 'tandoor',
        POSTGRES_USER: 'tandoor',
      },
      environmentSecrets: {
        POSTGRES_PASSWORD: 'secret://tandoor/db-password',
      },
      volumes: [
        {
          name: 'tandoor-db',
          mountPath: '/var/lib/postgresql/data',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'pg_isready -U tandoor -d tandoor'],
        interval: '10s',
        startPeriod: '20s',
      },
    },
  ],
});
