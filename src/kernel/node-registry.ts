/** Marks a row with its GraphQL type so `Node.__resolveType` can tell what it is. */
export function asNode<T extends object>(type: string, row: T | null): (T & { __typename: string }) | null {
  return row ? Object.assign(row, { __typename: type }) : null;
}
