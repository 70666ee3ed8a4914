/** changedetection.io: Watches web pages and tells you when they change. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'changedetection',
  title: 'changedetection.io',
  description: 'Watches web pages and tells you when they change.',
  category: 'monitoring',
  upstream: 'https://changedetection.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'changedetection',
    port: 5000,
    subdomain: 'changedetection',
  },
  secrets: [],
  services: [
    {
      name: 'changedetection',
      type: 'monitoring',
      image: 'ghcr.io/dgtlmoon/changedetection.io:0.46.04',
      ports: [
        {
          container: 5000,
          host: 5020,
        },
      ],
      volumes: [
        {
          name: 'changedetection-data',
          mountPath: '/datastore',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'python3',
          '-c',
          "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/', timeout=4)",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
