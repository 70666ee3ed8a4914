/** Glance: A compact dashboard of feeds, weather, markets and your services. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'glance',
  title: 'Glance',
  description: 'A compact dashboard of feeds, weather, markets and your services.',
  category: 'dashboards',
  upstream: 'https://github.com/glanceapp/glance',
  kits: ['base-homelab', 'modern-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'glance',
    port: 8080,
    subdomain: 'glance',
  },
  secrets: [],
  services: [
    {
      name: 'glance',
      type: 'service',
      image: 'glanceapp/glance:v0.6.4',
      ports: [
        {
          container: 8080,
          host: 8084,
        },
      ],
      command: ['--config', '/app/config/glance.yml'],
      volumes: [
        {
          name: 'glance-config',
          mountPath: '/app/config',
        },
      ],
      files: [
        {
          path: '/app/config/glance.yml',
          content:
            'pages:\n  - name: Home\n    columns:\n      - size: full\n        widgets:\n          - type: calendar\n',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8080/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
