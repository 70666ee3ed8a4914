/** InfluxDB: Time series database for metrics, sensors and events. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'influxdb',
  title: 'InfluxDB',
  description: 'Time series database for metrics, sensors and events.',
  category: 'monitoring',
  upstream: 'https://www.influxdata.com',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'influxdb',
    port: 8086,
    subdomain: 'influxdb',
  },
  secrets: [
    {
      name: 'admin-password',
      description: 'password of the admin user',
    },
    {
      name: 'admin-token',
      length: 64,
      description: 'API token of the admin user',
    },
  ],
  services: [
    {
      name: 'influxdb',
      type: 'database',
      image: 'influxdb:2.7.10',
      ports: [
        {
          container: 8086,
          host: 8087,
        },
      ],
      environment: {
        DOCKER_INFLUXDB_INIT_MODE: 'setup',
        DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
        DOCKER_INFLUXDB_INIT_ORG: 'homelab',
        DOCKER_INFLUXDB_INIT_BUCKET: 'default',
      },
      environmentSecrets: {
        DOCKER_INFLUXDB_INIT_PASSWORD: 'secret://influxdb/admin-password',
        DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: 'secret://influxdb/admin-token',
      },
      volumes: [
        {
          name: 'influxdb-data',
          mountPath: '/var/lib/influxdb2',
        },
        {
          name: 'influxdb-config',
          mountPath: '/etc/influxdb2',
        },
      ],
      healthCheck: {
        command: ['CMD', 'influx', 'ping'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
