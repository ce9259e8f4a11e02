import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A client app's codegen: GraphQL Code Generator's client preset against the published
 * schema (../../schema.graphql), typing every `graphql(...)` document under src/.
 * Run from this folder: `npm run example:client` at the project root does it and compiles.
 */
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: false,
  // NodeNext ESM: generated relative imports end in .js.
  emitLegacyCommonJSImports: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // What each custom scalar is on the wire (JSON); see each scalar's @specifiedBy in schema.graphql.
        scalars: {
          DateTime: 'string',
          Date: 'string',
          UUID: 'string',
          Decimal: 'string',
          JSONObject: 'Record<string, unknown>',
        },
        strictScalars: true,
      },
    },
  },
};

export default config;
