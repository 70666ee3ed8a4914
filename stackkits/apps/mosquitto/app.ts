/** Mosquitto: MQTT broker for sensors, switches and home automation. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'mosquitto',
  title: 'Mosquitto',
  description: 'MQTT broker for sensors, switches and home automation.',
  category: 'home-automation',
  upstream: 'https://mosquitto.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'mosquitto',
    port: 1883,
    subdomain: 'mosquitto',
  },
  secrets: [],
  services: [
    {
      name: 'mosquitto',
      type: 'queue',
      image: 'eclipse-mosquitto:2.0.18',
      ports: [
        {
          container: 1883,
          host: 1883,
        },
      ],
      command: ['mosquitto', '-c', '/mosquitto-no-auth.conf'],
      volumes: [
        {
          name: 'mosquitto-data',
          mountPath: '/mosquitto/data',
        },
        {
          name: 'mosquitto-config',
          mountPath: '/mosquitto/config',
        },
      ],
      healthCheck: {
        command: ['CMD-SHELL', "mosquitto_sub -t '$SYS/#' -C 1 -W 3 -i healthcheck"],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
