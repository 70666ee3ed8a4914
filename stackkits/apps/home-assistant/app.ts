/** Home Assistant: Home automation that puts local control and privacy first. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'home-assistant',
  title: 'Home Assistant',
  description: 'Home automation that puts local control and privacy first.',
  category: 'home-automation',
  upstream: 'https://www.home-assistant.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '2Gi',
  },
  route: {
    service: 'home-assistant',
    port: 8123,
    subdomain: 'home',
  },
  secrets: [],
  services: [
    {
      name: 'home-assistant',
      type: 'automation',
      image: 'ghcr.io/home-assistant/home-assistant:2024.10.1',
      ports: [
        {
          container: 8123,
          host: 8123,
        },
      ],
      volumes: [
        {
          name: 'home-assistant-config',
          mountPath: '/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8123/manifest.json'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
