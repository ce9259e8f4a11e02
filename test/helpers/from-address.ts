import http from 'node:http';
import type { GraphQLResponse } from './test-app.js';

/**
 * POSTs a GraphQL request from a chosen loopback address (127.0.0.2, …): the
 * whole 127.0.0.0/8 reaches a server on 127.0.0.1, so a test can be several
 * clients, each seen by the API at its own address.
 */
export function postFrom(
  url: string,
  localAddress: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: GraphQLResponse<any> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
          try {
            resolve({ status: res.statusCode ?? 0, headers: out, body: JSON.parse(text) as GraphQLResponse<any> });
          } catch (error) {
            reject(new Error(`not JSON (HTTP ${res.statusCode}): ${text.slice(0, 200)}`, { cause: error }));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const loginDocument = (email: string, password: string) => ({
  query: 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
  variables: { i: { email, password } },
});
