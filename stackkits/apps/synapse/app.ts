/** Synapse: Matrix homeserver for end-to-end encrypted chat and federation. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'synapse',
  title: 'Synapse',
  description: 'Matrix homeserver for end-to-end encrypted chat and federation.',
  category: 'communication',
  upstream: 'https://element-hq.github.io/synapse/',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'synapse',
    port: 8008,
    subdomain: 'matrix',
  },
  secrets: [],
  services: [
    {
      name: 'synapse',
      type: 'service',
      image: 'matrixdotorg/synapse:v1.117.0',
      ports: [
        {
          container: 8008,
          host: 8008,
        },
      ],
      environment: {
        SYNAPSE_SERVER_NAME: 'matrix.local',
        SYNAPSE_REPORT_STATS: 'no',
      },
      volumes: [
        {
          name: 'synapse-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8008/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
