/** Trilium Notes: Hierarchical note-taking for building large personal knowledge bases. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'trilium',
  title: 'Trilium Notes',
  description: 'Hierarchical note-taking for building large personal knowledge bases.',
  category: 'notes',
  upstream: 'https://github.com/zadam/trilium',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'trilium',
    port: 8080,
    subdomain: 'trilium',
  },
  secrets: [],
  services: [
    {
      name: 'trilium',
      type: 'service',
      image: 'zadam/trilium:0.63.7',
      ports: [
        {
          container: 8080,
          host: 8085,
        },
      ],
      volumes: [
        {
          name: 'trilium-data',
          mountPath: '/home/node/trilium-data',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:8080/api/health-check').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
