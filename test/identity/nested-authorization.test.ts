import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAuthDirectives } from '../../src/kernel/auth/directives.js';
import { ROLES, type Role } from '../../src/kernel/auth/permissions.js';
import { buildSchema, loadTypeDefs } from '../../src/server.js';
import { createOrganization, tokensByRole } from '../helpers/fixtures.js';
import { argumentsFrom, seedPatientRecords, type Records } from '../helpers/patient-records.js';
import {
  coordinate,
  documentFor,
  grants,
  guardOf,
  objectTypes,
  pathKey,
  rolePaths,
  shortestPaths,
  stepsKey,
  valuesAt,
  type AnyField,
  type Step,
} from '../helpers/schema-paths.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { gid } from '../workflows/support.js';

/**
 * Schema-driven role sweep over nested fields. Every object field that declares `@requires`, and every field
 * of a type reached only through such fields (a clinical note, a patient summary, …), is read by every role
 * through a path the SDL offers (BFS from Query), against a seed where every parent exists:
 * - a role whose permissions open some path to the parent type, and the field's own guard, reads it without error;
 * - a role that reaches the parent but lacks the field's permission gets FORBIDDEN at exactly that field,
 *   null there and the parent's other fields intact;
 * - a role that cannot reach the parent gets FORBIDDEN at the first guard on the way, and never the field.
 * A target the sweep cannot reach fails the test with its name.
 */

const schema = buildSchema();
const query = schema.getQueryType()!;
let app: TestApp;
let tokens: Record<Role, string>;
let records: Records;

/** Types reachable from Query through unguarded nested fields (root fields carry their own guard). */
const openTypes = new Set(shortestPaths(schema, () => ({}), (parent, field) => parent === query || !guardOf(schema, field)).keys());
const reachableTypes = new Set(shortestPaths(schema, () => ({})).keys());
/** Fields a role sweep must cover: guarded nested fields and every field of a type reached only through guards. */
const targets = objectTypes(schema).flatMap((type) =>
  Object.values(type.getFields())
    .filter((field) => guardOf(schema, field) || (reachableTypes.has(type.name) && !openTypes.has(type.name)))
    .map((field) => ({ type, field })),
);
const targetTypes = [...new Set(targets.map((t) => t.type))];

const pathsFor = (role: Role) => rolePaths(schema, role, argumentsFrom(records));

beforeAll(async () => {
  app = await createTestApp();
  const org = await createOrganization(app.admin, 'nested-authz');
  tokens = await tokensByRole(app, org);
  records = await seedPatientRecords(app, org, tokens);
});
afterAll(() => app.close());

const errorsUnder = <E extends { path?: (string | number)[] }>(errors: E[] | undefined, key: string) =>
  (errors ?? []).filter((e) => pathKey(e.path ?? []) === key || pathKey(e.path ?? []).startsWith(`${key}.`));

function targetSteps(type: GraphQLObjectType, fields: AnyField[]): Step[] {
  return fields.map((field) => {
    const args = argumentsFrom(records)(type, field);
    if (!args) throw new Error(`${coordinate(type, field)}: the sweep cannot satisfy its required arguments`);
    return { parent: type, field, args };
  });
}

describe('nested fields: every role is refused or admitted exactly as @requires and the matrix say', () => {
  it('finds guarded nested fields and guarded-only types to sweep', () => {
    const names = targets.map((t) => coordinate(t.type, t.field));
    expect(names).toEqual(expect.arrayContaining(['Patient.clinicalNotes', 'Encounter.notes', 'Patient.balance', 'ClinicalNote.body', 'PatientSummary.encounterCount']));
  });

  it.each(ROLES.map((r) => [r]))('as %s', async (role) => {
    const own = pathsFor(role);
    const admin = pathsFor('ORG_ADMIN');
    const unreachable = targets.filter((t) => !admin.has(t.type.name)).map((t) => coordinate(t.type, t.field));
    expect(unreachable, 'fields no path from Query reaches with the seed: extend argumentsFrom or the seed').toEqual([]);
    let admitted = 0;
    let refused = 0;
    for (const type of targetTypes) {
      const fields = targets.filter((t) => t.type === type).map((t) => t.field);
      const path = own.get(type.name);
      if (!path) {
        // Every way to the type passes a guard the role lacks: refused there, the fields never answered.
        const adminPath = admin.get(type.name)!;
        const { query: doc, variables } = documentFor(adminPath, targetSteps(type, fields));
        const res = await app.gql(doc, variables, tokens[role]);
        const firstDenied = adminPath.findIndex((s) => !grants(role, guardOf(schema, s.field)));
        const where = `${type.name} via ${stepsKey(adminPath)} as ${role}`;
        expect(firstDenied, where).toBeGreaterThanOrEqual(0);
        expect(res.errors?.map((e) => [e.extensions.code, pathKey(e.path ?? [])]), where).toEqual([
          ['FORBIDDEN', stepsKey(adminPath.slice(0, firstDenied + 1))],
        ]);
        for (const field of fields) expect(valuesAt(res.data, [...adminPath.map((s) => s.field.name), field.name]), where).toEqual([]);
        refused += fields.length;
        continue;
      }
      const { query: doc, variables } = documentFor(path, targetSteps(type, fields));
      const res = await app.gql(doc, variables, tokens[role]);
      const parentKey = stepsKey(path);
      const where = `${type.name} via ${parentKey} as ${role}`;
      const found = valuesAt(res.data, path.map((s) => s.field.name));
      const parents = found.filter((p): p is Record<string, unknown> => p !== null);
      expect(parents.length, `${where}: the seed leaves the parent empty: ${JSON.stringify(res.errors)}`).toBeGreaterThan(0);
      for (const field of fields) {
        const key = `${parentKey}.${field.name}`;
        const errors = errorsUnder(res.errors, key);
        if (grants(role, guardOf(schema, field))) {
          expect(errors, `${key} as ${role}`).toEqual([]);
          for (const parent of parents) expect(parent, `${key} as ${role}`).toHaveProperty(field.name);
          admitted++;
        } else {
          expect(errors.map((e) => [e.extensions.code, pathKey(e.path!)]), `${key} as ${role}`).toEqual(
            parents.map(() => ['FORBIDDEN', key]),
          );
          // Null at the refused field, the parent and its other fields intact.
          expect(found.length, `${key} as ${role}: the refusal nulled the parent`).toBe(parents.length);
          for (const parent of parents) expect(parent, `${key} as ${role}`).toMatchObject({ __typename: type.name, [field.name]: null });
          refused++;
        }
      }
      expect(res.errors?.filter((e) => !fields.some((f) => pathKey(e.path ?? []) === `${parentKey}.${f.name}`)) ?? [], where).toEqual([]);
    }
    expect(admitted + refused).toBe(targets.length);
    console.info(`nested role sweep ${role}: ${targets.length} fields on ${targetTypes.length} types, ${admitted} admitted, ${refused} refused`);
  });

  it('node(id:) opens no type to a role that no path of the schema lets reach it', async () => {
    const nodeTypes = objectTypes(schema).filter((t) => t.getInterfaces().some((i) => i.name === 'Node'));
    const unseeded = nodeTypes.filter((t) => !records[t.name]).map((t) => t.name);
    expect(unseeded, 'Node types without a seeded record: add one to seedPatientRecords').toEqual([]);
    for (const role of ROLES) {
      const reachable = pathsFor(role);
      for (const type of nodeTypes) {
        if (reachable.has(type.name)) continue;
        const res = await app.gql(`query($id: ID!) { node(id: $id) { __typename } }`, { id: gid(type.name, records[type.name]!) }, tokens[role]);
        expect(res.data?.node ?? null, `node(${type.name}) as ${role}: ${JSON.stringify(res.errors)}`).toBeNull();
        expect(res.errors?.[0]?.extensions.code, `node(${type.name}) as ${role}`).toBe('FORBIDDEN');
      }
    }
  });
});

describe('startup refusal', () => {
  const build = (extra: string) => applyAuthDirectives(makeExecutableSchema({ typeDefs: [...loadTypeDefs(), extra] }));

  it('refuses a non-null nested field with @requires, naming it: a refusal would null its parent', () => {
    expect(() => build('')).not.toThrow();
    expect(() => build('extend type Patient { debt: Decimal! @requires(permission: BILLING_READ) }')).toThrow(
      /Patient\.debt has @requires\(permission: BILLING_READ\) on a nested field: it must be nullable/,
    );
  });
});
