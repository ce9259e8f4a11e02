import { request } from './client.js';
import { graphql } from './gql/index.js';

/** A typed document: `graphql()` returns a TypedDocumentNode generated from this very text. */
export const RecentPatients = graphql(`
  query RecentPatients($first: Int!, $after: String) {
    patients(first: $first, after: $after) {
      edges {
        node {
          id
          patientId
          firstName
          lastName
          dateOfBirth
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export interface PatientLine {
  id: string;
  name: string;
  /** `Date` arrives as `YYYY-MM-DD` (RFC 3339 full-date): a string, not a JS Date. */
  bornOn: string | null;
  registeredAt: Date;
}

/** One page of patients; every field below is typed from schema.graphql (a typo fails `tsc`). */
export async function recentPatients(url: string, accessToken: string, after?: string): Promise<{ lines: PatientLine[]; next: string | null }> {
  const data = await request(url, accessToken, RecentPatients, { first: 20, after: after ?? null });
  const lines = data.patients.edges.map(({ node }) => ({
    id: node.id,
    name: [node.firstName, node.lastName].filter(Boolean).join(' '),
    bornOn: node.dateOfBirth ?? null,
    // `DateTime` is mapped to string (RFC 3339), so parsing it is explicit.
    registeredAt: new Date(node.createdAt),
  }));
  return { lines, next: data.patients.pageInfo.hasNextPage ? (data.patients.pageInfo.endCursor ?? null) : null };
}
