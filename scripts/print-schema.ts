/**
 * `npm run schema:print`: writes schema.graphql, the merged SDL for client developers
 * (GraphQL Code Generator, IDE plugins), from the same schema/ files the server loads.
 * `--check` writes nothing and exits 1 when schema.graphql is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printPublishedSchema, PUBLISHED_SCHEMA } from '../src/kernel/schema-files.js';

const printed = printPublishedSchema();
const shown = path.relative(process.cwd(), PUBLISHED_SCHEMA);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(PUBLISHED_SCHEMA, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== printed) {
    process.stderr.write(`${shown} is stale: run npm run schema:print and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`${shown} is current\n`);
} else {
  writeFileSync(PUBLISHED_SCHEMA, printed);
  process.stdout.write(`wrote ${shown}\n`);
}
