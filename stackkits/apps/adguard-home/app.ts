/** AdGuard Home: DNS server that blocks ads and trackers for the whole network. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'adguard-home',
  title: 'AdGuard Home',
  description: 'DNS server that blocks ads and trackers for the whole network.',
  category: 'dns',
  upstream: 'https://adguard.com/adguard-home/overview.html',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'adguard-home',
    port: 3000,
    subdomain: 'adguard',
  },
  secrets: [],
  services: [
    {
      name: 'adguard-home',
      type: 'service',
      image: 'adguard/adguardhome:v0.107.52',
      ports: [
        {
          container: 3000,
          host: 3053,
        },
      ],
      volumes: [
        {
          name: 'adguard-home-work',
          mountPath: '/opt/adguardhome/work',
        },
        {
          name: 'adguard-home-conf',
          mountPath: '/opt/adguardhome/conf',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:3000/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
