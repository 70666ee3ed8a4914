import { defineConfig } from 'vitest/config';

/** A real PostgreSQL for the run unless KOMBIFY_TEST_POSTGRES_URL names one (started once). */
const postgres = './test/harness/postgres-global.ts';

/**
 * Some edge modules import text files (wrangler's Text rule: install.sh, the Durable Objects'
 * SQLite migrations); tests that import the app (to enumerate its routes) load them the same way.
 */
const textModules = {
  name: 'text-modules',
  transform(code: string, id: string) {
    return id.endsWith('.sh') || id.endsWith('.sql')
      ? { code: `export default ${JSON.stringify(code)};`, map: null }
      : undefined;
  },
};

/**
 * One `npm test`, several projects: plain Node units, the database layer (PGlite and a real
 * PostgreSQL), the edge inside the Workers runtime, end-to-end suites with real processes, and the
 * security findings' tests (issue 20).
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
        plugins: [textModules],
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: [postgres],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Issue 20: one test per finding of the security review, named by its id (H1, M3, L1, …);
        // each failed on the code before its fix. Real processes like e2e, so run one file at a time.
        plugins: [textModules],
        test: {
          name: 'security',
          include: ['test/security/**/*.security.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
