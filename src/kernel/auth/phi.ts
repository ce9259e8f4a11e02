import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLFieldConfig,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { RequestContext } from '../../context.js';
import { PHI_KINDS, ROLES, ROLE_PHI_KINDS, type PhiFieldKinds, type PhiKind } from './permissions.js';

/** Scalars whose fields on a patient-bearing type must declare `@phi(kind:)`. */
const CLASSIFIED_SCALARS = new Set(['String', 'JSONObject', 'Date']);
/** Fields whose presence makes an object type patient-bearing. */
const PATIENT_FIELDS = ['patient', 'patientId'];

const isRelayPlumbing = (type: GraphQLObjectType) => {
  const fields = type.getFields();
  return 'edges' in fields || 'cursor' in fields || 'hasNextPage' in fields;
};
const isNode = (type: GraphQLObjectType) => type.getInterfaces().some((i) => i.name === 'Node');

/**
 * The object types that hold a patient's data, decided mechanically: a type with a `patient` or
 * `patientId` field, a type marked `@patientRecord` (a record about a patient reached some other way,
 * e.g. a workflow instance or an invoice line), and every embedded value type (no `Node`, no
 * connection/edge) one of those holds, such as a patient's address.
 */
export function patientBearingTypes(schema: GraphQLSchema): Set<string> {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t?.name));
  const objects = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && !roots.has(t.name),
  );
  const found = new Set<string>();
  const pending = objects.filter(
    (t) => getDirective(schema, t, 'patientRecord')?.[0] !== undefined || PATIENT_FIELDS.some((f) => f in t.getFields()),
  );
  while (pending.length > 0) {
    const type = pending.pop()!;
    if (found.has(type.name)) continue;
    found.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && !isNode(named) && !isRelayPlumbing(named) && !found.has(named.name)) pending.push(named);
    }
  }
  return found;
}

function phiKindOf(schema: GraphQLSchema, field: GraphQLFieldConfig<unknown, unknown> | GraphQLField<unknown, unknown>): PhiKind | undefined {
  const phi = getDirective(schema, field, 'phi')?.[0] as { kind: string } | undefined;
  if (!phi) return undefined;
  if (!(PHI_KINDS as readonly string[]).includes(phi.kind)) throw new Error(`@phi names unknown kind ${phi.kind}`);
  return phi.kind as PhiKind;
}

/**
 * Enforces `@phi(kind:)`: a field of a kind the viewer's roles do not grant (ROLE_PHI_KINDS) resolves
 * to null. Refuses to build a schema in which a String/JSONObject/Date field of a patient-bearing type
 * is unclassified, or a maskable field is non-null. Fields of a kind every role reads are left
 * unwrapped; the wrapper itself is synchronous and adds no statement.
 */
export function applyPhiDirectives(schema: GraphQLSchema): GraphQLSchema {
  const bearing = patientBearingTypes(schema);
  const grantedToAll = new Set(PHI_KINDS.filter((k) => ROLES.every((r) => ROLE_PHI_KINDS[r].includes(k))));
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const kind = phiKindOf(schema, field);
      if (!kind) {
        const named = getNamedType(field.type);
        if (bearing.has(typeName) && isScalarType(named) && CLASSIFIED_SCALARS.has(named.name)) {
          throw new Error(
            `${typeName}.${fieldName} holds patient data (${named.name}) but declares no @phi(kind:) classification`,
          );
        }
        return field;
      }
      if (grantedToAll.has(kind)) return field;
      if (isNonNullType(field.type)) {
        throw new Error(`${typeName}.${fieldName} is @phi(kind: ${kind}), which some roles may not read: it must be nullable`);
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve: (source, args, ctx: RequestContext, info) =>
          ctx.viewer?.phiKinds.has(kind) ? resolve(source, args, ctx, info) : null,
      };
    },
  });
}

/** The `@phi` kind of every field of every object type of `schema` (see PhiFieldKinds). */
export function phiFieldKinds(schema: GraphQLSchema): PhiFieldKinds {
  const kinds = new Map<string, PhiKind | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) kinds.set(`${type.name}.${field.name}`, phiKindOf(schema, field) ?? null);
  }
  return kinds;
}
