/** n8n: Workflow automation with hundreds of integrations, self-hosted. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'n8n',
  title: 'n8n',
  description: 'Workflow automation with hundreds of integrations, self-hosted.',
  category: 'productivity',
  upstream: 'https://n8n.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'n8n',
    port: 5678,
    subdomain: 'n8n',
  },
  secrets: [
    {
      name: 'encryption-key',
      length: 48,
      description: 'encrypts stored credentials',
    },
  ],
  services: [
    {
      name: 'n8n',
      type: 'automation',
      image: 'n8nio/n8n:1.51.2',
      ports: [
        {
          container: 5678,
          host: 5678,
        },
      ],
      environmentSecrets: {
        N8N_ENCRYPTION_KEY: 'secret://n8n/encryption-key',
      },
      volumes: [
        {
          name: 'n8n-data',
          mountPath: '/home/node/.n8n',
        },
      ],
      healthCheck: {
        command: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:5678/healthz'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
