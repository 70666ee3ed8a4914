/** FreshRSS: Feed aggregator that follows thousands of feeds, fast. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'freshrss',
  title: 'FreshRSS',
  description: 'Feed aggregator that follows thousands of feeds, fast.',
  category: 'rss',
  upstream: 'https://freshrss.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'freshrss',
    port: 80,
    subdomain: 'rss',
  },
  secrets: [],
  services: [
    {
      name: 'freshrss',
      type: 'service',
      image: 'freshrss/freshrss:1.24.3',
      ports: [
        {
          container: 80,
          host: 8070,
        },
      ],
      environment: {
        CRON_MIN: '*/15',
      },
      volumes: [
        {
          name: 'freshrss-data',
          mountPath: '/var/www/FreshRSS/data',
        },
        {
          name: 'freshrss-extensions',
          mountPath: '/var/www/FreshRSS/extensions',
        },
      ],
      healthCheck: {
        command: ['CMD', 'cli/health.php'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
