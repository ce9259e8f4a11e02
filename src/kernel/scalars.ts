import { getDirectiveValues, GraphQLError, GraphQLScalarType, GraphQLSpecifiedByDirective, isScalarType, Kind, type GraphQLSchema } from 'graphql';
import { DateTimeResolver, JSONObjectResolver, LocalDateResolver, UUIDResolver } from 'graphql-scalars';

/** Up to 10 integer digits and 2 fraction digits: the range of numeric(12,2). */
const DECIMAL = /^-?\d{1,10}(\.\d{1,2})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new GraphQLError(
      'Decimal must be a string like "1250.50" with at most 10 integer digits and 2 decimal places',
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  return value;
}

/** Money as an exact decimal string; numbers are refused so no float ever touches a balance. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'Exact decimal money amount as a string, e.g. "1250.50".',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    throw new GraphQLError('Decimal values must be produced as strings');
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Decimal literals must be strings like "10.20"', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return parseDecimal(ast.value);
  },
});

/** graphql-scalars' LocalDate (a `YYYY-MM-DD` string), under the name our SDL uses. */
const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date without time zone, `YYYY-MM-DD`.',
});

export const scalarResolvers = {
  DateTime: DateTimeResolver,
  Date: DateScalar,
  UUID: UUIDResolver,
  JSONObject: JSONObjectResolver,
  Decimal: DecimalScalar,
};

/**
 * graphql-tools copies a scalar resolver's description and specifiedByURL over the SDL's
 * (graphql-scalars' own texts, mostly without a URL). The SDL is the contract clients get in
 * schema.graphql, so introspection must tell them the same: put the SDL's words and
 * `@specifiedBy(url:)` back on every scalar declared in it.
 */
export function keepSdlScalarDocs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isScalarType(type) || !type.astNode) continue;
    type.description = type.astNode.description?.value ?? null;
    type.specifiedByURL = (getDirectiveValues(GraphQLSpecifiedByDirective, type.astNode)?.url as string | undefined) ?? null;
  }
  return schema;
}
