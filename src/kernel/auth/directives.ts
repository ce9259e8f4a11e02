import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, isNonNullType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../context.js';
import { unauthenticated } from '../errors.js';
import { PERMISSIONS, type Permission } from './permissions.js';
import { assertPermission } from './viewer.js';

/** `PATIENTS_READ` (SDL enum) → `patients:read` (matrix). */
export function permissionFromEnum(value: string): Permission {
  const i = value.lastIndexOf('_');
  const permission = `${value.slice(0, i).toLowerCase()}:${value.slice(i + 1).toLowerCase()}`;
  if (!(PERMISSIONS as readonly string[]).includes(permission)) {
    throw new Error(`@requires names unknown permission ${value}`);
  }
  return permission as Permission;
}

/**
 * Enforces `@requires(permission:)` and `@authenticated` before any resolver
 * runs, and refuses to build a schema in which a root field declares none of
 * `@requires`, `@authenticated` or `@public`: authorization is never forgotten.
 * It also refuses a non-null nested field with `@requires`: a refusal there answers
 * FORBIDDEN with null at that field, and null in a non-null field would wipe out the
 * parent (and every non-null ancestor, up to a whole list) the role may read.
 */
export function applyAuthDirectives(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const requires = getDirective(schema, field, 'requires')?.[0] as { permission: string } | undefined;
      const authenticated = getDirective(schema, field, 'authenticated')?.[0];
      const isPublic = getDirective(schema, field, 'public')?.[0];
      if (roots.has(typeName) && !requires && !authenticated && !isPublic) {
        throw new Error(`${typeName}.${fieldName} must declare @requires, @authenticated or @public`);
      }
      if (!requires && !authenticated) return field;
      if (requires && !roots.has(typeName) && isNonNullType(field.type)) {
        throw new Error(
          `${typeName}.${fieldName} has @requires(permission: ${requires.permission}) on a nested field: it must be nullable, so a refusal nulls only that field`,
        );
      }
      const permission = requires ? permissionFromEnum(requires.permission) : null;
      const resolve = field.resolve ?? defaultFieldResolver;
      const subscribe = field.subscribe;
      const check = (ctx: RequestContext) => {
        if (!ctx.viewer) throw unauthenticated();
        if (permission) assertPermission(ctx.viewer, permission);
      };
      return {
        ...field,
        resolve: (source, args, ctx: RequestContext, info) => {
          check(ctx);
          return resolve(source, args, ctx, info);
        },
        ...(subscribe
          ? {
              subscribe: (source: unknown, args: Record<string, unknown>, ctx: RequestContext, info: GraphQLResolveInfo) => {
                check(ctx);
                return subscribe(source, args, ctx, info);
              },
            }
          : {}),
      };
    },
  });
}
