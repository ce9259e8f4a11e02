import { getDirective } from '@graphql-tools/utils';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * One field of a selection, as a look-ahead prefetch sees it: its name, response
 * key, argument values (variables and defaults applied, as its resolver will get
 * them) and what it selects in turn. Fields selected twice under one response
 * key are merged, as graphql-js merges them.
 */
export interface SelectedField {
  name: string;
  responseKey: string;
  args: Record<string, unknown>;
  /** The permission its `@requires` directive names (`CLINICAL_READ`), if any: a prefetch reads nothing a guard would refuse. */
  requires: string | null;
  /** The fields selected below this one, following `path` (e.g. `['edges', 'node']` of a connection). */
  fields(path?: readonly string[]): SelectedField[];
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function included(walk: Walk, node: { directives?: readonly unknown[] } & Parameters<typeof getDirectiveValues>[1]): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if !== false;
}

function appliesTo(walk: Walk, typeName: string | undefined, type: GraphQLObjectType): boolean {
  if (!typeName || typeName === type.name) return true;
  const condition = walk.schema.getType(typeName);
  return !!condition && isAbstractType(condition) && walk.schema.isSubType(condition, type);
}

/** Field nodes by response key under `sets`, for an object of `type` (fragments and @skip/@include applied). */
function collect(walk: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const byKey = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode) => {
    for (const node of set.selections) {
      if (!included(walk, node)) continue;
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        const nodes = byKey.get(key);
        if (nodes) nodes.push(node);
        else byKey.set(key, [node]);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(walk, node.typeCondition?.name.value, type)) visit(node.selectionSet);
      } else {
        const fragment = walk.fragments[node.name.value];
        if (fragment && appliesTo(walk, fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
      }
    }
  };
  sets.forEach(visit);
  return byKey;
}

function selectedFields(walk: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): SelectedField[] {
  const definitions = type.getFields();
  const result: SelectedField[] = [];
  for (const [responseKey, nodes] of collect(walk, type, sets)) {
    const first = nodes[0]!;
    const definition = definitions[first.name.value];
    if (!definition) continue; // __typename and other meta fields
    const child = getNamedType(definition.type);
    const childSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    result.push({
      name: first.name.value,
      responseKey,
      args: getArgumentValues(definition, first, walk.variables),
      requires: (getDirective(walk.schema, definition, 'requires')?.[0]?.permission as string | undefined) ?? null,
      fields: (path = []) => fieldsAt(walk, isObjectType(child) ? child : null, childSets, path),
    });
  }
  return result;
}

function fieldsAt(walk: Walk, type: GraphQLObjectType | null, sets: readonly SelectionSetNode[], path: readonly string[]): SelectedField[] {
  if (!type) return [];
  if (path.length === 0) return selectedFields(walk, type, sets);
  const [head, ...rest] = path;
  return selectedFields(walk, type, sets)
    .filter((f) => f.name === head)
    .flatMap((f) => f.fields(rest));
}

/**
 * What the field being resolved selects, following `path` into its result
 * (`['edges', 'node']` for a connection's nodes). Object types only: below a
 * union or interface the selection is not followed (the prefetch then simply
 * does not apply and the loaders fetch as usual).
 */
export function selectionOf(info: GraphQLResolveInfo, path: readonly string[] = []): SelectedField[] {
  const walk: Walk = { schema: info.schema, fragments: info.fragments, variables: info.variableValues };
  const type = getNamedType(info.returnType);
  const sets = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  return fieldsAt(walk, isObjectType(type) ? type : null, sets, path);
}
