/** Pi-hole: Network-wide ad blocking through your own DNS server. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'pihole',
  title: 'Pi-hole',
  description: 'Network-wide ad blocking through your own DNS server.',
  category: 'dns',
  upstream: 'https://pi-hole.net',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '512Mi',
  },
  route: {
    service: 'pihole',
    port: 80,
    subdomain: 'pihole',
  },
  secrets: [
    {
      name: 'web-password',
      description: 'password of the admin interface',
    },
  ],
  services: [
    {
      name: 'pihole',
      type: 'service',
      image: 'pihole/pihole:2024.07.0',
      ports: [
        {
          container: 80,
          host: 8053,
        },
      ],
      environmentSecrets: {
        WEBPASSWORD: 'secret://pihole/web-password',
      },
      volumes: [
        {
          name: 'pihole-etc',
          mountPath: '/etc/pihole',
        },
        {
          name: 'pihole-dnsmasq',
          mountPath: '/etc/dnsmasq.d',
        },
      ],
      healthCheck: {
        command: ['CMD', 'dig', '+short', '+norecurse', '+retry=0', '@127.0.0.1', 'pi.hole'],
        interval: '30s',
        startPeriod: '60s',
      },
    },
  ],
});
