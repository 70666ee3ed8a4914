/** MinIO: S3-compatible object storage for backups and apps. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'minio',
  title: 'MinIO',
  description: 'S3-compatible object storage for backups and apps.',
  category: 'files',
  upstream: 'https://min.io',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'minio',
    port: 9001,
    subdomain: 's3',
  },
  secrets: [
    {
      name: 'root-password',
      description: 'password of the root user',
    },
  ],
  services: [
    {
      name: 'minio',
      type: 'storage',
      image: 'minio/minio:RELEASE.2024-10-02T17-50-41Z',
      ports: [
        {
          container: 9001,
          host: 9011,
        },
      ],
      command: ['server', '/data', '--console-address', ':9001'],
      environment: {
        MINIO_ROOT_USER: 'admin',
      },
      environmentSecrets: {
        MINIO_ROOT_PASSWORD: 'secret://minio/root-password',
      },
      volumes: [
        {
          name: 'minio-data',
          mountPath: '/data',
        },
      ],
      healthCheck: {
        command: ['CMD', 'mc', 'ready', 'local'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
