/** Homarr: Customisable dashboard with drag-and-drop widgets and integrations. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'homarr',
  title: 'Homarr',
  description: 'Customisable dashboard with drag-and-drop widgets and integrations.',
  category: 'dashboards',
  upstream: 'https://homarr.dev',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'homarr',
    port: 7575,
    subdomain: 'homarr',
  },
  secrets: [],
  services: [
    {
      name: 'homarr',
      type: 'service',
      image: 'ghcr.io/ajnart/homarr:0.15.3',
      ports: [
        {
          container: 7575,
          host: 7575,
        },
      ],
      volumes: [
        {
          name: 'homarr-configs',
          mountPath: '/app/data/configs',
        },
        {
          name: 'homarr-icons',
          mountPath: '/app/public/icons',
        },
        {
          name: 'homarr-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:7575/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
