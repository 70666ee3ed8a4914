/** File Browser: Upload, manage and share the files of a directory from the browser. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'filebrowser',
  title: 'File Browser',
  description: 'Upload, manage and share the files of a directory from the browser.',
  category: 'files',
  upstream: 'https://filebrowser.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'filebrowser',
    port: 80,
    subdomain: 'filebrowser',
  },
  secrets: [],
  services: [
    {
      name: 'filebrowser',
      type: 'storage',
      image: 'filebrowser/filebrowser:v2.31.2',
      ports: [
        {
          container: 80,
          host: 8082,
        },
      ],
      command: ['--database', '/database/filebrowser.db'],
      volumes: [
        {
          name: 'filebrowser-srv',
          mountPath: '/srv',
        },
        {
          name: 'filebrowser-db',
          mountPath: '/database',
        },
      ],
      healthCheck: {
        command: ['CMD', '/healthcheck.sh'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
