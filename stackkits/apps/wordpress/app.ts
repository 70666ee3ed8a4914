/** WordPress: The website and blog engine that powers much of the web. Reviewed catalog definition. */
import { defineApp } from '../../src/apps/schema.ts';

export const app = defineApp({
  name: 'wordpress',
  title: 'WordPress',
  description: 'The website and blog engine that powers much of the web.',
  category: 'productivity',
  upstream: 'https://wordpress.org',
  kits: ['base-homelab', 'modern-homelab', 'ha-homelab'],
  resources: {
    cpu: 1,
    memory: '1Gi',
  },
  route: {
    service: 'wordpress',
    port: 80,
    subdomain: 'site',
  },
  secrets: [
    {
      name: 'db-password',
      description: 'password of the app database user',
    },
    {
      name: 'db-root-password',
      description: 'password of the database root user',
    },
  ],
  services: [
    {
      name: 'wordpress',
      type: 'service',
      image: 'wordpress:6.6.2-apache',
      ports: [
        {
          container: 80,
          host: 8077,
        },
      ],
      environment: {
        WORDPRESS_DB_HOST: 'wordpress-db',
        WORDPRESS_DB_USER: 'wordpress',
        WORDPRESS_DB_NAME: 'wordpress',
      },
      environmentSecrets: {
        WORDPRESS_DB_PASSWORD: 'secret://wordpress/db-password',
      },
      volumes: [
        {
          name: 'wordpress-html',
          mountPath: '/var/www/html',
        },
      ],
      healthCheck: {
        command: [
          'CMD',
          'curl',
          '-fsS',
          '-o',
          '/dev/null',
          'http://127.0.0.1:80/wp-includes/images/blank.gif',
        ],
        interval: '30s',
        startPeriod: '60s',
      },
      needs: ['wordpress-db'],
    },
    {
      name: 'wordpress-db',
      type: 'database',
      image: 'mariadb:11.4.3',
      environment: {
        MARIADB_DATABASE: 'wordpress',
        MARIADB_USER: 'wordpress',
      },
      environmentSecrets: {
        MARIADB_PASSWORD: 'secret://wordpress/db-password',
        MARIADB_ROOT_PASSWORD: 'secret://wordpress/db-root-password',
      },
      volumes: [
        {
          name: 'wordpress-db',
          mountPath: '/var/lib/mysql',
        },
      ],
      healthCheck: {
        command: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        interval: '10s',
        startPeriod: '30s',
      },
    },
  ],
});
