/** Kavita: Reading server for comics, manga and e-books. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'kavita',
  title: 'Kavita',
  description: 'Reading server for comics, manga and e-books.',
  category: 'books',
  upstream: 'https://www.kavitareader.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'kavita',
    port: 5000,
    subdomain: 'kavita',
  },
  secrets: [],
  services: [
    {
      name: 'kavita',
      type: 'service',
      image: 'jvmilazz0/kavita:0.8.4',
      ports: [
        {
          container: 5000,
          host: 5010,
        },
      ],
      volumes: [
        {
          name: 'kavita-config',
          mountPath: '/kavita/config',
        },
        {
          name: 'kavita-library',
          mountPath: '/library',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:5000/api/health'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
