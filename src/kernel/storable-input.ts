import {
  GraphQLError,
  Kind,
  TypeInfo,
  getArgumentValues,
  getVariableValues,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * Characters PostgreSQL cannot store in text or jsonb: NUL (22021 / 22P05), and
 * unpaired UTF-16 surrogates (not valid Unicode; they would be silently turned
 * into U+FFFD on the way to the database).
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorable = (text: string) => !UNSTORABLE.test(text);

export function unstorableInputError(field: string): GraphQLError {
  return new GraphQLError(
    `${field} contains a character that cannot be stored (a NUL \\u0000 or an unpaired UTF-16 surrogate); remove it and retry`,
    { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } },
  );
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The path of the first string (or object key) in `value` that cannot be stored, iteratively (JSON may be deep). */
function firstUnstorable(root: unknown, rootPath: string): string | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorable(value)) return at;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${at}.${i}`]);
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        const shown = `${at}.${key.replace(new RegExp(UNSTORABLE.source, 'g'), '?')}`;
        if (!isStorable(key)) return shown;
        stack.push([item, shown]);
      }
    }
  }
  return null;
}

/**
 * Whether no string literal of the document can hold an unstorable character:
 * its source has none and no `\\u` escape (which could spell one). The common
 * case; it spares the per-request walk of the document below.
 */
function literalsStorable(document: DocumentNode): boolean {
  const source = document.loc?.source.body;
  return source !== undefined && !source.includes('\\u') && isStorable(source);
}

/**
 * Checks every argument of every field the operation selects (variables and
 * literals, nested inputs, lists, JSON scalars) once, before any resolver runs,
 * and answers the BAD_USER_INPUT naming the first argument path
 * (`input.email`, `filter.name`, `input.formData.note`) that PostgreSQL could
 * not store. Variables that do not coerce are left to execution, which reports
 * them with its own BAD_USER_INPUT. When neither the variables nor the
 * document's literals hold such a character, nothing is walked.
 */
export function checkStorableInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError | null {
  if (literalsStorable(document) && firstUnstorable(variables ?? {}, 'variables') === null) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return null;
  const typeInfo = new TypeInfo(schema);
  let found: string | null = null;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      if (found) return false;
      const definition = typeInfo.getFieldDef();
      if (!definition || definition.args.length === 0) return undefined;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(definition, node, coerced.coerced);
      } catch {
        return undefined; // execution reports it
      }
      for (const [name, value] of Object.entries(args)) {
        found = firstUnstorable(value, name);
        if (found) return false;
      }
      return undefined;
    },
  });
  visit(operation, visitor);
  for (const definition of document.definitions) {
    if (found) break;
    if (definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return found ? unstorableInputError(found) : null;
}
