import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/server.js';

/**
 * Every list a client can ask for is bounded: a connection (page size capped at
 * 1000), a list with a `first`/`last` argument (capped at 1000), or a list
 * declared `@bounded(reason: …)` because its length cannot grow with the data.
 */
const schema = buildSchema();

const isConnection = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();

function boundedReason(field: GraphQLField<unknown, unknown>): string | null {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'bounded');
  const reason = directive?.arguments?.find((a) => a.name.value === 'reason')?.value;
  return reason?.kind === 'StringValue' ? reason.value : null;
}

const listFields = Object.values(schema.getTypeMap())
  .filter((t) => !t.name.startsWith('__') && (isObjectType(t) || isInterfaceType(t)))
  .flatMap((t) => Object.values((t as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()).map((f) => ({ type: t, field: f })))
  .filter(({ field }) => isListType(getNullableType(field.type)));

describe('every list field is bounded', () => {
  it('the sweep sees the schema (connections and plain lists)', () => {
    expect(listFields.length).toBeGreaterThan(40);
  });

  it('each list is a connection edge list, takes first/last (default and cap 1000), or is @bounded with a reason', () => {
    const unbounded: string[] = [];
    for (const { type, field } of listFields) {
      const name = `${type.name}.${field.name}`;
      if (isConnection(type) && field.name === 'edges') continue;
      const first = field.args.find((a) => a.name === 'first' || a.name === 'last');
      const reason = boundedReason(field);
      if (first) {
        expect(getNamedType(first.type).name, `${name}(${first.name})`).toBe('Int');
        continue;
      }
      if (reason !== null) {
        expect(reason.trim().length, `${name}: @bounded needs a reason`).toBeGreaterThan(10);
        continue;
      }
      unbounded.push(name);
    }
    expect(unbounded, 'list fields without first/last, not a connection and not @bounded(reason:)').toEqual([]);
  });

  it('plain lists with `first` default to a page (100) so an argument-less query is bounded too', () => {
    for (const { type, field } of listFields) {
      if (isConnection(type)) continue;
      const first = field.args.find((a) => a.name === 'first');
      if (first) expect(first.defaultValue, `${type.name}.${field.name}(first)`).toBe(100);
    }
  });

  it('@bounded is not put on connections or on lists that already take first', () => {
    for (const { type, field } of listFields) {
      if (boundedReason(field) !== null) {
        expect(field.args.some((a) => a.name === 'first'), `${type.name}.${field.name}`).toBe(false);
      }
    }
  });
});
