import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One graphql module instance for test files and the libraries they load (graphql ships ESM and CJS).
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    pool: 'forks',
    env: { NODE_ENV: 'test' },
    // `vitest run` runs both; `npm run test:unit` (`--project unit`) only the fast one.
    projects: [
      {
        // Pure modules tested beside their source: no database, no server, milliseconds each.
        extends: true,
        // Pure modules share nothing mutable, so one worker may run file after file without a fresh module graph.
        test: { name: 'unit', include: ['src/**/*.test.ts'], pool: 'threads', isolate: false },
      },
      {
        // Behaviour through the API, against a migrated PostgreSQL the global setup provides.
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          // Needs the machine's PostgreSQL server binaries (pg_basebackup): run by `npm run test:scale` only.
          exclude: process.env.TEST_TOPOLOGY ? [] : ['test/scale/replica.test.ts'],
          globalSetup: ['test/setup/global.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
