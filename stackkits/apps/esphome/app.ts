/** ESPHome: Dashboard to build and flash firmware for ESP32 and ESP8266 devices. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'esphome',
  title: 'ESPHome',
  description: 'Dashboard to build and flash firmware for ESP32 and ESP8266 devices.',
  category: 'home-automation',
  upstream: 'https://esphome.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'esphome',
    port: 6052,
    subdomain: 'esphome',
  },
  secrets: [],
  services: [
    {
      name: 'esphome',
      type: 'automation',
      image: 'ghcr.io/esphome/esphome:2024.9.2',
      ports: [
        {
          container: 6052,
          host: 6052,
        },
      ],
      volumes: [
        {
          name: 'esphome-config',
          mountPath: '/config',
        },
      ],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:6052/'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
