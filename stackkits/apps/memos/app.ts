/** Memos: Quick notes and a timeline of thoughts, in Markdown. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'memos',
  title: 'Memos',
  description: 'Quick notes and a timeline of thoughts, in Markdown.',
  category: 'notes',
  upstream: 'https://www.usememos.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'memos',
    port: 5230,
    subdomain: 'memos',
  },
  secrets: [],
  services: [
    {
      name: 'memos',
      type: 'service',
      image: 'neosmemo/memos:0.22.5',
      ports: [
        {
          container: 5230,
          host: 5230,
        },
      ],
      volumes: [
        {
          name: 'memos-data',
          mountPath: '/var/opt/memos',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:5230/healthz'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
