import { defineConfig } from 'vitest/config';

/** A real PostgreSQL for the run unless KOMBIFY_TEST_POSTGRES_URL names one (started once). */
const postgres = './test/harness/postgres-global.ts';

/**
 * One `npm test`, several projects: plain Node units, the database layer (PGlite and a real
 * PostgreSQL), the edge inside the Workers runtime, and end-to-end suites with real processes.
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Property and differential tests run thousands of cases; a loaded 2-core CI machine
          // must not turn them into timeouts.
          testTimeout: 30_000,
          include: [
            'proto/src/**/*.test.ts',
            'agent/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'stackkits/src/**/*.test.ts',
            'web/src/**/*.test.ts',
            // Edge tests that need Node rather than workerd (they read the source tree).
            'edge/src/**/*.node.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'db',
          include: ['edge/src/**/*.db.test.ts'],
          globalSetup: [postgres],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      './edge/vitest.config.ts',
      {
        // Some edge modules import text files (wrangler's Text rule: install.sh, the Durable Objects'
        // SQLite migrations); tests that import the app (to enumerate its routes) load them the same way.
        plugins: [
          {
            name: 'text-modules',
            transform(code: string, id: string) {
              return id.endsWith('.sh') || id.endsWith('.sql')
                ? { code: `export default ${JSON.stringify(code)};`, map: null }
                : undefined;
            },
          },
        ],
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: [postgres],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
