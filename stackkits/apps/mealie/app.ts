/** Mealie: Recipe manager and meal planner that imports recipes from any site. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'mealie',
  title: 'Mealie',
  description: 'Recipe manager and meal planner that imports recipes from any site.',
  category: 'recipes',
  upstream: 'https://mealie.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'mealie',
    port: 9000,
    subdomain: 'recipes',
  },
  secrets: [],
  services: [
    {
      name: 'mealie',
      type: 'service',
      image: 'ghcr.io/mealie-recipes/mealie:v1.12.0',
      ports: [
        {
          container: 9000,
          host: 9925,
        },
      ],
      environment: {
        ALLOW_SIGNUP: 'false',
      },
      volumes: [
        {
          name: 'mealie-data',
          mountPath: '/app/data',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'python3',
          '-c',
          "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9000/api/app/about', timeout=4)",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
