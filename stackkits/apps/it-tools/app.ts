/** IT Tools: Handy tools for developers: encoders, converters, generators. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'it-tools',
  title: 'IT Tools',
  description: 'Handy tools for developers: encoders, converters, generators.',
  category: 'development',
  upstream: 'https://it-tools.tech',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '64Mi',
  },
  route: {
    service: 'it-tools',
    port: 80,
    subdomain: 'tools',
  },
  secrets: [],
  services: [
    {
      name: 'it-tools',
      type: 'service',
      image: 'corentinth/it-tools:2024.5.13-a0bc346',
      ports: [
        {
          container: 80,
          host: 8089,
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
