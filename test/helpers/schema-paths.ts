import { getDirective } from '@graphql-tools/utils';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { permissionFromEnum } from '../../src/kernel/auth/directives.js';
import { ROLE_PERMISSIONS, type Permission, type Role } from '../../src/kernel/auth/permissions.js';

/**
 * Paths through the schema from Query to any object type, found by BFS over the SDL, so that sweeps
 * reach every field, nested ones included, and a field added later is reached without editing a test.
 * `node`/`nodes` are left out: their permission lives in each type's node fetcher, not in the SDL.
 */

export type AnyField = GraphQLField<unknown, unknown>;

export interface Step {
  parent: GraphQLObjectType;
  field: AnyField;
  /** Values of the field's required arguments (sent as variables). */
  args: Record<string, unknown>;
}

/** Values for the required arguments of a field, or null when the sweep cannot satisfy them. */
export type ArgumentSource = (parent: GraphQLObjectType, field: AnyField) => Record<string, unknown> | null;

export const coordinate = (parent: { name: string }, field: { name: string }) => `${parent.name}.${field.name}`;

/** The permission a field's `@requires` names, or null. */
export function guardOf(schema: GraphQLSchema, field: AnyField): Permission | null {
  const requires = getDirective(schema, field, 'requires')?.[0] as { permission: string } | undefined;
  return requires ? permissionFromEnum(requires.permission) : null;
}

export const grants = (role: Role, permission: Permission | null) => !permission || ROLE_PERMISSIONS[role].includes(permission);

/** Every object type (roots and introspection excluded). */
export function objectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t?.name));
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && !roots.has(t.name),
  );
}

const SKIPPED_ROOTS = new Set(['node', 'nodes']);

/**
 * Shortest path from Query to every object type it can reach through fields that `follow` accepts and
 * whose required arguments `argsFor` satisfies. The map's key is the type name; the root has path [].
 */
export function shortestPaths(
  schema: GraphQLSchema,
  argsFor: ArgumentSource,
  follow: (parent: GraphQLObjectType, field: AnyField) => boolean = () => true,
): Map<string, Step[]> {
  const query = schema.getQueryType()!;
  const paths = new Map<string, Step[]>([[query.name, []]]);
  const queue: GraphQLObjectType[] = [query];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const field of Object.values(parent.getFields())) {
      if (parent === query && SKIPPED_ROOTS.has(field.name)) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named) || paths.has(named.name) || !follow(parent, field)) continue;
      const args = argsFor(parent, field);
      if (!args) continue;
      paths.set(named.name, [...paths.get(parent.name)!, { parent, field, args }]);
      queue.push(named);
    }
  }
  return paths;
}

/** Required arguments without a default: they must come from the ArgumentSource. */
export const requiredArgs = (field: AnyField) => field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);

/** Sub-selection that makes any field selectable: nothing for a leaf, `__typename` for an object. */
export const minimalSelection = (field: AnyField) => (isLeafType(getNamedType(field.type)) ? '' : ' { __typename }');

/**
 * A query that follows `path` and selects `targets` (fields of the last type, with their arguments) there,
 * with `__typename` on every object on the way, e.g.
 * `query($a0: ID!) { patient(id: $a0) { __typename clinicalNotes { __typename edges { … } } balance } }`.
 */
export function documentFor(
  path: Step[],
  targets: Step[] = [],
  select: (field: AnyField) => string = minimalSelection,
): { query: string; variables: Record<string, unknown> } {
  const defs: string[] = [];
  const variables: Record<string, unknown> = {};
  const call = ({ field, args }: Step) => {
    const list = Object.keys(args).map((name) => {
      const variable = `a${defs.length}`;
      defs.push(`$${variable}: ${String(field.args.find((a) => a.name === name)!.type)}`);
      variables[variable] = args[name];
      return `${name}: $${variable}`;
    });
    return `${field.name}${list.length ? `(${list.join(', ')})` : ''}`;
  };
  const calls = path.map(call);
  let body = targets.map((t) => `${call(t)}${select(t.field)}`).join(' ');
  for (let i = path.length - 1; i >= 0; i--) body = `${calls[i]} { __typename ${body} }`;
  return { query: `query${defs.length ? `(${defs.join(', ')})` : ''} { ${body} }`, variables };
}

/** A response path without list indices: `patient.clinicalNotes.edges.node.author`. */
export const pathKey = (path: readonly (string | number)[]) => path.filter((p) => typeof p === 'string').join('.');
export const stepsKey = (path: Step[]) => path.map((s) => s.field.name).join('.');

/** Every value found at `path` in `data`, flattening lists on the way. */
export function valuesAt(data: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [data];
  for (const name of path) {
    current = current
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object')
      .map((v) => v[name]);
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/**
 * Shortest path per type for `role`, following only fields whose `@requires` the role holds and that are
 * not in `avoid` (coordinates such as `WorkflowInstance.availableTransitions`).
 */
export const rolePaths = (schema: GraphQLSchema, role: Role, argsFor: ArgumentSource, avoid: ReadonlySet<string> = new Set()) =>
  shortestPaths(schema, argsFor, (parent, field) => grants(role, guardOf(schema, field)) && !avoid.has(coordinate(parent, field)));
