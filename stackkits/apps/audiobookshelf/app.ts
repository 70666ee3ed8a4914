/** Audiobookshelf: Audiobook and podcast server with progress sync across devices. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'audiobookshelf',
  title: 'Audiobookshelf',
  description: 'Audiobook and podcast server with progress sync across devices.',
  category: 'books',
  upstream: 'https://www.audiobookshelf.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'audiobookshelf',
    port: 80,
    subdomain: 'audiobookshelf',
  },
  secrets: [],
  services: [
    {
      name: 'audiobookshelf',
      type: 'media',
      image: 'ghcr.io/advplyr/audiobookshelf:2.13.4',
      ports: [
        {
          container: 80,
          host: 13378,
        },
      ],
      volumes: [
        {
          name: 'audiobookshelf-config',
          mountPath: '/config',
        },
        {
          name: 'audiobookshelf-metadata',
          mountPath: '/metadata',
        },
        {
          name: 'audiobookshelf-audiobooks',
          mountPath: '/audiobooks',
        },
        {
          name: 'audiobookshelf-podcasts',
          mountPath: '/podcasts',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:80/healthcheck').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
