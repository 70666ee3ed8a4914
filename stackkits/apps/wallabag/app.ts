/** wallabag: Save web pages to read later, without the clutter. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'wallabag',
  title: 'wallabag',
  description: 'Save web pages to read later, without the clutter.',
  category: 'bookmarks',
  upstream: 'https://wallabag.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'wallabag',
    port: 80,
    subdomain: 'read',
  },
  secrets: [
    {
      name: 'app-secret',
      length: 48,
      description: 'Symfony application secret',
    },
  ],
  services: [
    {
      name: 'wallabag',
      type: 'service',
      image: 'wallabag/wallabag:2.6.9',
      ports: [
        {
          container: 80,
          host: 8072,
        },
      ],
      environment: {
        SYMFONY__ENV__DOMAIN_NAME: 'http://localhost:8072',
      },
      environmentSecrets: {
        SYMFONY__ENV__SECRET: 'secret://wallabag/app-secret',
      },
      volumes: [
        {
          name: 'wallabag-images',
          mountPath: '/var/www/wallabag/web/assets/images',
        },
        {
          name: 'wallabag-data',
          mountPath: '/var/www/wallabag/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:80/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
