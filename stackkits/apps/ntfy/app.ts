/** ntfy: Push notifications to your phone or desktop over plain HTTP. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'ntfy',
  title: 'ntfy',
  description: 'Push notifications to your phone or desktop over plain HTTP.',
  category: 'communication',
  upstream: 'https://ntfy.sh',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '128Mi',
  },
  route: {
    service: 'ntfy',
    port: 80,
    subdomain: 'ntfy',
  },
  secrets: [],
  services: [
    {
      name: 'ntfy',
      type: 'service',
      image: 'binwiederhier/ntfy:v2.11.0',
      ports: [
        {
          container: 80,
          host: 8075,
        },
      ],
      command: ['serve'],
      volumes: [
        {
          name: 'ntfy-cache',
          mountPath: '/var/cache/ntfy',
        },
        {
          name: 'ntfy-etc',
          mountPath: '/etc/ntfy',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:80/v1/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
