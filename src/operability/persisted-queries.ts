import type { ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestContext } from '../context.js';

/** Apollo's persisted-query manifest (`@apollo/generate-persisted-query-manifest`). */
interface Manifest {
  format: 'apollo-persisted-query-manifest';
  version: number;
  operations: { id: string; name: string; type: string; body: string }[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface TrustedDocuments {
  /** True when `source` is exactly one of the manifest's operations. */
  isTrusted(source: string): boolean;
  operations: Manifest['operations'];
}

export const notTrusted = () =>
  new GraphQLError('This operation is not in the trusted-documents manifest', {
    extensions: { code: 'OPERATION_NOT_TRUSTED', http: { status: 400 } },
  });

/** Reads and verifies an Apollo persisted-query manifest (every id must be its body's SHA-256). */
export function loadTrustedDocuments(manifestPath: string): TrustedDocuments {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || !Array.isArray(manifest.operations)) {
    throw new Error(`TRUSTED_DOCUMENTS ${manifestPath} is not an Apollo persisted-query manifest`);
  }
  const trusted = new Set<string>();
  for (const op of manifest.operations) {
    const hash = sha256(op.body);
    if (hash !== op.id) throw new Error(`TRUSTED_DOCUMENTS: operation ${op.name} has id ${op.id}, but its body hashes to ${hash}`);
    trusted.add(hash);
  }
  return { isTrusted: (source) => trusted.has(sha256(source)), operations: manifest.operations };
}

/**
 * Automatic persisted queries with a bounded LRU cache, and the optional
 * trusted-documents mode: with a manifest configured, only its operations run
 * (by hash or by full text) and anything else is refused.
 */
export function persistedQueries(options: { cacheBytes: number; manifestPath: string | undefined }) {
  const cache = new InMemoryLRUCache<string>({ maxSize: options.cacheBytes });
  const plugins: ApolloServerPlugin<RequestContext>[] = [];
  if (options.manifestPath) {
    const trusted = loadTrustedDocuments(options.manifestPath);
    // Pre-registered, so clients may send the hash alone (Apollo prefixes APQ keys with `apq:`).
    for (const op of trusted.operations) void cache.set(`apq:${op.id}`, op.body);
    plugins.push({
      async requestDidStart() {
        return {
          // Checked once the operation is known (errors thrown here reach the client as they are).
          async didResolveOperation({ source }) {
            if (!trusted.isTrusted(source)) throw notTrusted();
          },
        };
      },
    });
  }
  return { persistedQueries: { cache, ttl: null }, plugins };
}
