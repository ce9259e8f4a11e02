import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One graphql module instance for test files and the libraries they load (graphql ships ESM and CJS).
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    globalSetup: ['test/setup/global.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
});
