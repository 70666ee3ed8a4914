/** Speedtest Tracker: Runs internet speed tests on a schedule and charts the results. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'speedtest-tracker',
  title: 'Speedtest Tracker',
  description: 'Runs internet speed tests on a schedule and charts the results.',
  category: 'monitoring',
  upstream: 'https://github.com/alexjustesen/speedtest-tracker',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'speedtest-tracker',
    port: 80,
    subdomain: 'speedtest',
  },
  secrets: [
    {
      name: 'app-key',
      length: 32,
      description: 'Laravel application key',
    },
  ],
  services: [
    {
      name: 'speedtest-tracker',
      type: 'monitoring',
      image: 'lscr.io/linuxserver/speedtest-tracker:0.21.2',
      ports: [
        {
          container: 80,
          host: 8765,
        },
      ],
      environment: {
        PUID: '1000',
        PGID: '1000',
        DB_CONNECTION: 'sqlite',
      },
      environmentSecrets: {
        APP_KEY: 'secret://speedtest-tracker/app-key',
      },
      volumes: [
        {
          name: 'speedtest-tracker-config',
          mountPath: '/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:80/api/healthcheck'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
