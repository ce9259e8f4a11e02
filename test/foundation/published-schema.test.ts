import { readFileSync } from 'node:fs';
import { buildSchema as buildSdlSchema, isScalarType, isSpecifiedScalarType, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printPublishedSchema, PUBLISHED_SCHEMA } from '../../src/kernel/schema-files.js';
import { buildSchema } from '../../src/server.js';

/** schema.graphql is what client developers generate code from: it must be the server's schema, to the letter. */
describe('schema.graphql', () => {
  const published = readFileSync(PUBLISHED_SCHEMA, 'utf8');

  it('is current with schema/**/*.graphql (run `npm run schema:print` and commit it)', () => {
    expect(published === printPublishedSchema(), 'schema.graphql is stale: run `npm run schema:print` and commit it').toBe(true);
  });

  it('is what introspection of the running server describes (descriptions and @specifiedBy included)', () => {
    const served = printSchema(buildSchema());
    expect(printSchema(buildSdlSchema(published))).toBe(served);
  });

  it('names a specification (@specifiedBy) for every custom scalar', () => {
    const custom = Object.values(buildSdlSchema(published).getTypeMap()).filter((t) => isScalarType(t) && !isSpecifiedScalarType(t));
    expect(custom.length).toBeGreaterThan(0);
    const unspecified = custom.filter((t) => isScalarType(t) && !t.specifiedByURL).map((t) => t.name);
    expect(unspecified).toEqual([]);
  });
});
