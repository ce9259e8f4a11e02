import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { ROLES, type Role } from '../../src/kernel/auth/permissions.js';
import type { TransactionSql } from '../../src/kernel/db/pool.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { countPatients } from '../../src/patients/patient-repository.js';
import { buildSchema } from '../../src/server.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { argumentsFrom, seedPatientRecords, type Records } from '../helpers/patient-records.js';
import { documentFor, requiredArgs, rolePaths, type AnyField, type ArgumentSource, type Step, valuesAt } from '../helpers/schema-paths.js';
import { createTestApp, graphqlClient, type TestApp, startSecondApi } from '../helpers/test-app.js';

/**
 * Counting (src/kernel/counting.ts): `totalCount` exact, `totalCountEstimate` exact up to
 * TOTAL_COUNT_EXACT_LIMIT (5 here) and the planner's estimate beyond it, on every connection type.
 */
const LIMIT = 5;
const schema = buildSchema();
let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let records: Records;

const CREATE_PATIENT = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id } } }`;
const PATIENTS = `query($f: PatientFilter) { patients(first: 1, filter: $f) { totalCount totalCountEstimate { value exact } } }`;

beforeAll(async () => {
  app = await createTestApp({ TOTAL_COUNT_EXACT_LIMIT: String(LIMIT) });
  org = await createOrganization(app.admin, 'counting');
  tokens = await tokensByRole(app, org);
  records = await seedPatientRecords(app, org, tokens);
  for (let i = 0; i < 3 * LIMIT; i++) {
    const res = await app.gql(CREATE_PATIENT, { i: { firstName: `Count${i}`, lastName: 'Many', dateOfBirth: '1990-01-01' } }, tokens.FRONT_DESK);
    expect(res.errors).toBeUndefined();
  }
  await app.admin`analyze ehr_patients`;
}, 120_000);
afterAll(() => app?.close());

const connectionTypes = () =>
  Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && t.name.endsWith('Connection'));

describe('totalCountEstimate', () => {
  it('every connection type, and only they, has totalCount: Int! and totalCountEstimate: CountEstimate!', () => {
    const connections = connectionTypes();
    expect(connections.length).toBeGreaterThanOrEqual(18);
    for (const type of connections) {
      const fields = type.getFields();
      expect(String(fields.totalCount?.type), type.name).toBe('Int!');
      expect(String(fields.totalCountEstimate?.type), type.name).toBe('CountEstimate!');
    }
    const counted = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && 'totalCountEstimate' in t.getFields());
    expect(counted.map((t) => t.name).sort()).toEqual(connections.map((t) => t.name).sort());
  });

  it('below the limit: exact, and equal to totalCount', async () => {
    const res = await app.gql(PATIENTS, { f: { search: 'Count2' } }, tokens.FRONT_DESK);
    expect(res.errors).toBeUndefined();
    const { totalCount, totalCountEstimate } = res.data!.patients;
    expect(totalCount).toBeLessThanOrEqual(LIMIT);
    expect(totalCountEstimate).toEqual({ value: totalCount, exact: true });
  });

  it('above the limit: the estimate, above the limit, from a count that stopped at limit + 1 rows', async () => {
    const res = await app.gql(PATIENTS, {}, tokens.FRONT_DESK);
    expect(res.errors).toBeUndefined();
    const { totalCount, totalCountEstimate } = res.data!.patients;
    expect(totalCount).toBeGreaterThan(3 * LIMIT);
    expect(totalCountEstimate.exact).toBe(false);
    expect(totalCountEstimate.value).toBeGreaterThan(LIMIT);
    // The planner's figure from the statistics just gathered: the table's size, not a guess.
    expect(totalCountEstimate.value).toBeGreaterThanOrEqual(totalCount / 2);
    expect(totalCountEstimate.value).toBeLessThanOrEqual(totalCount * 2);

    // The bounded statement reads at most limit + 1 matching rows whatever the table holds.
    const filter = { statuses: null, namePrefix: null, bornFrom: null, bornTo: null, search: null };
    const plan = await app.admin.begin(async (tx) => {
      await tx`select set_config('role', 'health_app', true), set_config('app.organization_id', ${org.id}, true)`;
      expect((await countPatients(tx as unknown as TransactionSql, org.id, filter, LIMIT + 1))[0]?.count).toBe(LIMIT + 1);
      const lines: string[] = [];
      const analyzing = (strings: TemplateStringsArray, ...values: unknown[]) => {
        const prefixed = [`explain (analyze, costs off, timing off, summary off) ${strings[0]}`, ...strings.slice(1)];
        return (tx as unknown as (s: TemplateStringsArray, ...v: unknown[]) => Promise<Record<string, string>[]>)(
          Object.assign(prefixed, { raw: prefixed }),
          ...values,
        ).then((rows) => {
          lines.push(...rows.map((r) => Object.values(r)[0]!));
          return [{ count: 0 }];
        });
      };
      await countPatients(analyzing as unknown as TransactionSql, org.id, filter, LIMIT + 1);
      return lines.join('\n');
    });
    const actual = [...plan.matchAll(/actual rows=(\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...actual), plan).toBe(LIMIT + 1);
  });

  /**
   * Every connection type through the shortest path a role reaches it by: both counts resolve, and an
   * estimate is exact only when it equals totalCount. Returns the types reached, and those estimated.
   */
  async function sweep(gql: TestApp['gql'], limit: number) {
    // The sweep's arguments, and the patient whose access log `patientAccessLog(patientId:)` reads.
    const seeded = argumentsFrom(records);
    const argsFor: ArgumentSource = (parent, field) =>
      seeded(parent, field) ??
      (requiredArgs(field).every((a) => a.name === 'patientId') ? { patientId: toGlobalId('Patient', records.Patient!) } : null);
    const select = (field: AnyField) =>
      field.name === 'totalCountEstimate' ? ' { value exact }' : isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
    const reached = new Set<string>();
    const counted = new Set<string>();
    const estimated = new Set<string>();
    for (const type of connectionTypes()) {
      for (const role of ROLES) {
        const path = rolePaths(schema, role, argsFor).get(type.name);
        if (!path) continue;
        const fields = type.getFields();
        const targets: Step[] = [fields.totalCount!, fields.totalCountEstimate!].map((field) => ({ parent: type, field, args: {} }));
        const { query, variables } = documentFor(path, targets, select);
        const res = await gql(query, variables, tokens[role]);
        expect(res.errors, `${type.name} as ${role}: ${query}`).toBeUndefined();
        const connections = valuesAt(res.data, path.map((s) => s.field.name)) as { totalCount: number; totalCountEstimate: { value: number; exact: boolean } }[];
        for (const c of connections) {
          if (c.totalCount > 0) counted.add(type.name);
          if (c.totalCountEstimate.exact) expect(c.totalCountEstimate.value, type.name).toBe(c.totalCount);
          else {
            estimated.add(type.name);
            expect(c.totalCount, type.name).toBeGreaterThan(limit);
            expect(c.totalCountEstimate.value, type.name).toBeGreaterThan(limit);
          }
        }
        if (connections.length > 0) reached.add(type.name);
        break;
      }
    }
    expect([...reached].sort()).toEqual(connectionTypes().map((t) => t.name).sort());
    return { counted, estimated };
  }

  it('resolves on every connection type, exact only when it equals totalCount', async () => {
    const { estimated } = await sweep(app.gql, LIMIT);
    expect(estimated.size).toBeGreaterThan(0);
  });

  it('at a limit of 0, estimates every count that found a row: the plan of every list\'s count statement is read', async () => {
    const estimating = await startSecondApi(app.databaseUrl, { TOTAL_COUNT_EXACT_LIMIT: '0' });
    try {
      const { counted, estimated } = await sweep(graphqlClient(estimating.url), 0);
      // Nested connections (a patient's, an instance's) count exactly whatever the limit.
      const roots = new Set(Object.values(schema.getQueryType()!.getFields()).map((f) => getNamedType(f.type).name));
      expect([...estimated].sort()).toEqual([...counted].filter((t) => roots.has(t)).sort());
      expect(estimated.size).toBeGreaterThanOrEqual(12);
    } finally {
      await estimating.stop();
    }
  });
});
