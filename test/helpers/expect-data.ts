import type { TestApp } from './test-app.js';

/** The data of a GraphQL request that must succeed; its errors, verbatim, fail the test otherwise. */
export async function expectData(app: Pick<TestApp, 'gql'>, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await app.gql(query, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`${query.trim().split('\n')[0]}: ${JSON.stringify(res.errors)}`);
  return res.data;
}
