/** code-server: VS Code in the browser, running on your server. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'code-server',
  title: 'code-server',
  description: 'VS Code in the browser, running on your server.',
  category: 'development',
  upstream: 'https://coder.com/docs/code-server',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 2,
    memory: '2Gi',
  },
  route: {
    service: 'code-server',
    port: 8080,
    subdomain: 'code',
  },
  secrets: [
    {
      name: 'password',
      description: 'login password',
    },
  ],
  services: [
    {
      name: 'code-server',
      type: 'development',
      image: 'codercom/code-server:4.93.1',
      ports: [
        {
          container: 8080,
          host: 8443,
        },
      ],
      environmentSecrets: {
        PASSWORD: 'secret://code-server/password',
      },
      volumes: [
        {
          name: 'code-server-home',
          mountPath: '/home/coder',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/healthz'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
