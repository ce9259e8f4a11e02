// @ts-check
import safeql from '@ts-safeql/eslint-plugin/config';
import tseslint from 'typescript-eslint';

// `npm run lint` (scripts/lint.ts) migrates a scratch database and passes its URL here.
const databaseUrl = process.env.SAFEQL_DATABASE_URL;
if (!databaseUrl) {
  throw new Error('SAFEQL_DATABASE_URL is not set: run `npm run lint`, which provides a migrated database');
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'examples/*/src/gql/**', 'test-artifacts/**', 'bench/peers/**', 'bench/results/**', '.data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Compile-time query verification: every `sql`/`tx` tagged query is checked against the migrated schema.
    files: ['src/**/*.ts'],
    // Unit tests beside pure modules hold no SQL.
    ignores: ['src/**/*.test.ts'],
    ...safeql.configs.connections({
      databaseUrl,
      targets: [{ tag: { regex: '^(sql|tx)$' }, transform: '{type}[]', fieldTransform: 'camel' }],
      overrides: {
        types: {
          date: 'string',
          numeric: 'string',
          int8: 'string',
          jsonb: 'unknown',
          json: 'unknown',
        },
      },
    }),
  },
);
