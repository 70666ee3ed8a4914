/** Node Exporter: Exposes the host metrics of a node for Prometheus. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'node-exporter',
  title: 'Node Exporter',
  description: 'Exposes the host metrics of a node for Prometheus.',
  category: 'monitoring',
  upstream: 'https://github.com/prometheus/node_exporter',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '64Mi',
  },
  route: {
    service: 'node-exporter',
    port: 9100,
    subdomain: 'node-exporter',
  },
  secrets: [],
  services: [
    {
      name: 'node-exporter',
      type: 'monitoring',
      image: 'prom/node-exporter:v1.8.2',
      ports: [
        {
          container: 9100,
          host: 9100,
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:9100/metrics'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
