/** qBittorrent: BitTorrent client with a web interface. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'qbittorrent',
  title: 'qBittorrent',
  description: 'BitTorrent client with a web interface.',
  category: 'downloads',
  upstream: 'https://www.qbittorrent.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'qbittorrent',
    port: 8081,
    subdomain: 'qbittorrent',
  },
  secrets: [],
  services: [
    {
      name: 'qbittorrent',
      type: 'service',
      image: 'lscr.io/linuxserver/qbittorrent:4.6.7',
      ports: [
        {
          container: 8081,
          host: 8081,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
        WEBUI_PORT: '8081',
      },
      volumes: [
        {
          name: 'qbittorrent-config',
          mountPath: '/config',
        },
        {
          name: 'qbittorrent-downloads',
          mountPath: '/downloads',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8081/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
