import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLResult<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A minimal typed client: the document's types flow into the result, with no cast. */
export async function request<TData, TVariables extends Record<string, unknown>>(
  url: string,
  accessToken: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const result = (await response.json()) as GraphQLResult<TData>;
  if (!result.data) {
    const error = result.errors?.[0];
    throw new Error(`${error?.extensions?.code ?? response.status}: ${error?.message ?? 'no data'}`);
  }
  return result.data;
}
