/** Stirling PDF: Merge, split, convert and sign PDF files in the browser. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'stirling-pdf',
  title: 'Stirling PDF',
  description: 'Merge, split, convert and sign PDF files in the browser.',
  category: 'productivity',
  upstream: 'https://www.stirlingpdf.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'stirling-pdf',
    port: 8080,
    subdomain: 'pdf',
  },
  secrets: [],
  services: [
    {
      name: 'stirling-pdf',
      type: 'service',
      image: 'stirlingtools/stirling-pdf:0.30.1',
      ports: [
        {
          container: 8080,
          host: 8091,
        },
      ],
      volumes: [
        {
          name: 'stirling-pdf-configs',
          mountPath: '/configs',
        },
        {
          name: 'stirling-pdf-tessdata',
          mountPath: '/usr/share/tessdata',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/api/v1/info/status'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
