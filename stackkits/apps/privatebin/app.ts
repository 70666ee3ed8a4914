/** PrivateBin: Pastebin where the server never sees what is pasted (encrypted in the browser). Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'privatebin',
  title: 'PrivateBin',
  description: 'Pastebin where the server never sees what is pasted (encrypted in the browser).',
  category: 'security',
  upstream: 'https://privatebin.info',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'privatebin',
    port: 8080,
    subdomain: 'paste',
  },
  secrets: [],
  services: [
    {
      name: 'privatebin',
      type: 'service',
      image: 'privatebin/nginx-fpm-alpine:1.7.4',
      ports: [
        {
          container: 8080,
          host: 8078,
        },
      ],
      volumes: [
        {
          name: 'privatebin-data',
          mountPath: '/srv/data',
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
