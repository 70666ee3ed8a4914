/** Grafana Loki: Log store that indexes labels, not content, for cheap log search. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'loki',
  title: 'Grafana Loki',
  description: 'Log store that indexes labels, not content, for cheap log search.',
  category: 'monitoring',
  upstream: 'https://grafana.com/oss/loki/',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'loki',
    port: 3100,
    subdomain: 'loki',
  },
  secrets: [],
  services: [
    {
      name: 'loki',
      type: 'monitoring',
      image: 'grafana/loki:3.2.0',
      ports: [
        {
          container: 3100,
          host: 3100,
        },
      ],
      command: ['-config.file=/etc/loki/local-config.yaml'],
      volumes: [
        {
          name: 'loki-data',
          mountPath: '/loki',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:3100/ready'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
