/** Docker Registry: Private registry for the container images your stack runs. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'registry',
  title: 'Docker Registry',
  description: 'Private registry for the container images your stack runs.',
  category: 'development',
  upstream: 'https://distribution.github.io/distribution/',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '256Mi',
  },
  route: {
    service: 'registry',
    port: 5000,
    subdomain: 'registry',
  },
  secrets: [],
  services: [
    {
      name: 'registry',
      type: 'storage',
      image: 'registry:2.8.3',
      ports: [
        {
          container: 5000,
          host: 5050,
        },
      ],
      volumes: [
        {
          name: 'registry-data',
          mountPath: '/var/lib/registry',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:5000/v2/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
