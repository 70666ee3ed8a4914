import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** Edge tests inside workerd (the real Workers runtime), against the real wrangler.toml. */
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: '../wrangler.toml' } })],
  test: {
    name: 'workers',
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.db.test.ts', 'src/**/*.node.test.ts'],
  },
});
