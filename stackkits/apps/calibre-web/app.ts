/** Calibre-Web: Browse, read and download the e-books of a Calibre library. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'calibre-web',
  title: 'Calibre-Web',
  description: 'Browse, read and download the e-books of a Calibre library.',
  category: 'books',
  upstream: 'https://github.com/janeczku/calibre-web',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'calibre-web',
    port: 8083,
    subdomain: 'books',
  },
  secrets: [],
  services: [
    {
      name: 'calibre-web',
      type: 'service',
      image: 'lscr.io/linuxserver/calibre-web:0.6.24',
      ports: [
        {
          container: 8083,
          host: 8083,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
      },
      volumes: [
        {
          name: 'calibre-web-config',
          mountPath: '/config',
        },
        {
          name: 'calibre-web-books',
          mountPath: '/books',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8083/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
