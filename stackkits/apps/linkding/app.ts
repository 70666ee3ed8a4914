/** linkding: Bookmark manager that is fast, minimal and tag-based. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'linkding',
  title: 'linkding',
  description: 'Bookmark manager that is fast, minimal and tag-based.',
  category: 'bookmarks',
  upstream: 'https://linkding.link',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'linkding',
    port: 9090,
    subdomain: 'links',
  },
  secrets: [],
  services: [
    {
      name: 'linkding',
      type: 'service',
      image: 'sissbruecker/linkding:1.31.0',
      ports: [
        {
          container: 9090,
          host: 9099,
        },
      ],
      volumes: [
        {
          name: 'linkding-data',
          mountPath: '/etc/linkding/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:9090/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
