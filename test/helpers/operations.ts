import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

const SCALAR_SAMPLES: Record<string, unknown> = {
  ID: '00000000-0000-4000-8000-000000000000',
  String: 'sample',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  DateTime: '2026-01-01T00:00:00Z',
  Date: '2026-01-01',
  UUID: '00000000-0000-4000-8000-000000000000',
  Decimal: '1.00',
  JSONObject: {},
};

/** A valid value of `type` (required input fields only) so the call reaches authorization. */
export function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [sampleValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, sampleValue(f.type)]),
    );
  }
  if (isScalarType(type)) return SCALAR_SAMPLES[type.name] ?? 'sample';
  throw new Error(`no sample for ${String(type)}`);
}

/** `query($id: ID!) { user(id: $id) { __typename } }` with sample variables, for one root field. */
export function operationFor(field: GraphQLField<unknown, unknown>, kind: 'query' | 'mutation') {
  const required = field.args.filter((a) => isNonNullType(a.type));
  const defs = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  const variables = Object.fromEntries(required.map((a) => [a.name, sampleValue(a.type)]));
  const query = `${kind}${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
  return { query, variables };
}

export function rootFields(schema: GraphQLSchema) {
  const list = (type: GraphQLObjectType | null | undefined, kind: 'query' | 'mutation') =>
    Object.values(type?.getFields() ?? {}).map((field) => ({ field, kind }));
  return [...list(schema.getQueryType(), 'query'), ...list(schema.getMutationType(), 'mutation')];
}

export const uniqueEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
