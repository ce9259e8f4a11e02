import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PHI_KINDS, ROLES, type PhiKind, type Role } from '../../src/kernel/auth/permissions.js';
import { applyPhiDirectives, patientBearingTypes } from '../../src/kernel/auth/phi.js';
import { buildSchema, loadTypeDefs } from '../../src/server.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { argumentsFrom, seedPatientRecords, type Records } from '../helpers/patient-records.js';
import { documentFor, objectTypes, rolePaths, stepsKey, valuesAt } from '../helpers/schema-paths.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { gid } from '../workflows/support.js';

/**
 * Schema-driven PHI sweep: one patient with a record of every patient-bearing type, every field
 * classified with `@phi(kind:)` read through the API by every role. A field answers the stored value
 * exactly when the role's PHI kinds (ROLE_PHI_KINDS) include the field's kind, else null.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
const schema = buildSchema();
const bearing = patientBearingTypes(schema);
/** Node type → uuid of its seeded record. */
let records: Records;

const isNode = (t: GraphQLObjectType) => t.getInterfaces().some((i) => i.name === 'Node');
const phiKindOf = (field: GraphQLField<unknown, unknown>) => {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'phi');
  const arg = directive?.arguments?.find((a) => a.name.value === 'kind');
  return arg && arg.value.kind === 'EnumValue' ? (arg.value.value as PhiKind) : undefined;
};

interface Sel {
  name: string;
  kind?: PhiKind;
  list?: boolean;
  children?: Sel[];
}

/** Every classified field of a type, descending into embedded (non-Node) patient-bearing values such as Address. */
function selectionOf(type: GraphQLObjectType, seen: ReadonlySet<string>): Sel[] {
  const out: Sel[] = [];
  for (const field of Object.values(type.getFields())) {
    const kind = phiKindOf(field);
    const named = getNamedType(field.type);
    if (kind) out.push({ name: field.name, kind });
    else if (isObjectType(named) && bearing.has(named.name) && !isNode(named) && !seen.has(named.name)) {
      const children = selectionOf(named, new Set([...seen, named.name]));
      if (children.length > 0) out.push({ name: field.name, list: isListType(getNullableType(field.type)), children });
    }
  }
  return out;
}
const print = (sels: Sel[]): string => sels.map((s) => (s.children ? `${s.name} { ${print(s.children)} }` : s.name)).join(' ');

/**
 * Fields whose value is a document masked element by element by this same rule (`Patient.fhir`, the FHIR
 * resource: src/fhir/phi-view.ts, swept element by element in test/fhir/fhir.test.ts): the role's own answer
 * is their base; here only whether the field itself is answered is checked.
 */
const MASKED_WITHIN = new Set(['fhir']);

/** `base` with each MASKED_WITHIN field at the end of `names` taken from the role's own answer. */
function ownWithin(base: any, own: any, names: string[]): any {
  if (Array.isArray(base)) return base.map((v, i) => ownWithin(v, own?.[i], names));
  if (base === null || typeof base !== 'object') return base;
  if (names.length === 0) return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, MASKED_WITHIN.has(k) && own?.[k] !== null ? own?.[k] : v]));
  const [head, ...rest] = names;
  return { ...base, [head!]: ownWithin(base[head!], own?.[head!], rest) };
}

/**
 * The admin's answer with every field of a kind the role does not read replaced by null. Lists of
 * embedded values (a workflow's available transitions) depend on the viewer's roles, so there the
 * role's own answer is the base and only the masking is checked.
 */
function masked(sels: Sel[], data: any, kinds: readonly PhiKind[], own: any): any {
  if (data === null || data === undefined) return data;
  const out: Record<string, unknown> = {};
  for (const s of sels) {
    if (!s.children) out[s.name] = kinds.includes(s.kind!) ? (MASKED_WITHIN.has(s.name) ? own?.[s.name] : data[s.name]) : null;
    else if (!s.list) out[s.name] = masked(s.children, data[s.name], kinds, own?.[s.name]);
    else out[s.name] = (own?.[s.name] as any[] | null)?.map((o) => masked(s.children!, o, kinds, o)) ?? null;
  }
  return out;
}

/** Classified leaves (outside lists) that the admin reads as null: the seed must fill every one. */
function unseeded(sels: Sel[], data: any, prefix: string): string[] {
  return sels.flatMap((s) => {
    if (s.list) return [];
    if (s.children) return unseeded(s.children, data?.[s.name], `${prefix}.${s.name}`);
    return data?.[s.name] === null || data?.[s.name] === undefined ? [`${prefix}.${s.name}`] : [];
  });
}

const nodeTypes = () =>
  [...bearing]
    .map((n) => schema.getType(n))
    .filter((t): t is GraphQLObjectType => isObjectType(t) && isNode(t))
    .sort((a, b) => a.name.localeCompare(b.name));

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'phi');
  tokens = await tokensByRole(app, org);
  records = await seedPatientRecords(app, org, tokens);
});
afterAll(() => app.close());

describe('PHI classification', () => {
  it('classifies every text, JSON and date field of every patient-bearing type', () => {
    // buildSchema() above would have thrown otherwise; the sweep below needs a seeded record per type.
    expect(nodeTypes().map((t) => t.name).filter((n) => !records[n])).toEqual([]);
    expect([...bearing]).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'VitalSigns', 'Invoice', 'Appointment', 'WorkflowTask', 'Address']));
  });

  it('answers each classified field exactly when the role reads its kind, for every role and patient-bearing type', async () => {
    const reach: Record<string, Role[]> = {};
    for (const type of nodeTypes()) {
      const sels = selectionOf(type, new Set([type.name]));
      const query = `query($id: ID!) { node(id: $id) { ... on ${type.name} { ${print(sels)} } } }`;
      const id = gid(type.name, records[type.name]!);
      const admin = await app.gql(query, { id }, tokens.ORG_ADMIN);
      expect(admin.errors, `${type.name} as ORG_ADMIN`).toBeUndefined();
      expect(admin.data?.node, `${type.name} as ORG_ADMIN`).not.toBeNull();
      expect(unseeded(sels, admin.data!.node, type.name), 'fields the seed leaves empty').toEqual([]);
      reach[type.name] = [];
      for (const role of ROLES) {
        const res = await app.gql(query, { id }, tokens[role]);
        if (res.data?.node === null) {
          // The role may not read this kind of record at all: refused, nothing returned.
          expect(res.errors?.[0]?.extensions.code, `${type.name} as ${role}`).toBe('FORBIDDEN');
          continue;
        }
        reach[type.name]!.push(role);
        expect(res.errors, `${type.name} as ${role}`).toBeUndefined();
        expect(res.data!.node, `${type.name} as ${role}`).toEqual(masked(sels, admin.data!.node, ROLE_PHI_KINDS[role], res.data!.node));
      }
    }
    // ORG_ADMIN reaches every record; ANALYST every record but a clinical note (clinical_notes:read),
    // so the sweep really checks ANALYST's masking on every other type.
    for (const [type, roles] of Object.entries(reach)) expect(roles, type).toContain('ORG_ADMIN');
    expect(Object.keys(reach).filter((t) => !reach[t]!.includes('ANALYST'))).toEqual(['ClinicalNote']);
  });

  it('gives ANALYST coded data and the birth year, never identifiers or clinical free text', async () => {
    const q = `query($p: ID!, $e: ID!, $v: ID!) {
      p: node(id: $p) { ... on Patient { mrn firstName lastName dateOfBirth birthYear phone address { line1 city region country } genderIdentity } }
      e: node(id: $e) { ... on Encounter { encounterType reason chiefComplaint dischargeDisposition } }
      v: node(id: $v) { ... on VitalSigns { temperatureC notes abnormalFlags } } }`;
    const vars = { p: gid('Patient', records.Patient!), e: gid('Encounter', records.Encounter!), v: gid('VitalSigns', records.VitalSigns!) };
    const analyst = await app.gql(q, vars, tokens.ANALYST);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data).toEqual({
      p: { mrn: null, firstName: null, lastName: null, dateOfBirth: null, birthYear: 1970, phone: null,
        address: { line1: null, city: null, region: 'Nairobi County', country: 'KE' }, genderIdentity: 'Woman' },
      e: { encounterType: 'OUTPATIENT', reason: null, chiefComplaint: null, dischargeDisposition: null },
      v: { temperatureC: '38.2', notes: null, abnormalFlags: ['FEVER'] },
    });
    const nurse = await app.gql(q, vars, tokens.NURSE);
    expect(nurse.data?.p).toMatchObject({ mrn: 'PHI-0001', dateOfBirth: '1970-05-17', birthYear: 1970 });
    expect(nurse.data?.v).toMatchObject({ notes: 'Patient anxious, shivering' });
  });
});

describe('PHI classification through nested paths', () => {
  /** Every object type declaring classified fields, embedded values and non-patient types included. */
  const classified = objectTypes(schema)
    .map((type) => ({ type, fields: Object.values(type.getFields()).filter((f) => phiKindOf(f)) }))
    .filter((t) => t.fields.length > 0);

  /** `value` with the fields named `hidden` nulled on every object at the end of `names`. */
  function maskAt(value: any, names: string[], hidden: ReadonlySet<string>): any {
    if (Array.isArray(value)) return value.map((v) => maskAt(v, names, hidden));
    if (value === null || typeof value !== 'object') return value;
    if (names.length === 0) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hidden.has(k) ? null : v]));
    const [head, ...rest] = names;
    return { ...value, [head!]: maskAt(value[head!], rest, hidden) };
  }

  /** Lists whose content depends on the viewer's roles (and the seeded state): the admin's answer is no base there. */
  const roleDependent = new Set(['WorkflowInstance.availableTransitions']);

  it('masks every classified field of the schema exactly as ROLE_PHI_KINDS says when read nested, for every role', async () => {
    const argsFor = argumentsFrom(records);
    const admin = rolePaths(schema, 'ORG_ADMIN', argsFor, roleDependent);
    const unreached = classified.filter((t) => !admin.has(t.type.name)).map((t) => t.type.name);
    expect(unreached, 'types with classified fields that no path from Query reaches: extend the seed or argumentsFrom').toEqual([]);
    const swept = classified.reduce((n, t) => n + t.fields.length, 0);
    /** The admin's answer per document (the base every role's answer is masked from). */
    const bases = new Map<string, Promise<any>>();
    for (const role of ROLES) {
      const own = rolePaths(schema, role, argsFor, roleDependent);
      const tally = { read: 0, masked: 0, refused: 0 };
      for (const { type, fields } of classified) {
        const path = own.get(type.name) ?? admin.get(type.name)!;
        const names = path.map((s) => s.field.name);
        const { query, variables } = documentFor(path, fields.map((field) => ({ parent: type, field, args: {} })));
        const where = `${type.name} via ${stepsKey(path)} as ${role}`;
        const res = await app.gql(query, variables, tokens[role]);
        if (!own.has(type.name)) {
          // No path is open to the role (a guard on the way): refused, no classified value answered.
          expect(res.errors?.length, where).toBeGreaterThan(0);
          expect(new Set(res.errors!.map((e) => e.extensions.code)), where).toEqual(new Set(['FORBIDDEN']));
          for (const f of fields) expect(valuesAt(res.data, [...names, f.name]).filter((v) => v !== null), where).toEqual([]);
          tally.refused += fields.length;
          continue;
        }
        if (!bases.has(query)) bases.set(query, app.gql(query, variables, tokens.ORG_ADMIN));
        const base = await bases.get(query)!;
        expect(valuesAt(base.data, names).filter((v) => v !== null).length, `${where}: the seed leaves the parent empty`).toBeGreaterThan(0);
        const hidden = new Set(fields.filter((f) => !ROLE_PHI_KINDS[role].includes(phiKindOf(f)!)).map((f) => f.name));
        expect(res.errors, where).toBeUndefined();
        expect(res.data, where).toEqual(maskAt(ownWithin(base.data, res.data, names), names, hidden));
        tally.masked += hidden.size;
        tally.read += fields.length - hidden.size;
      }
      expect(tally.read + tally.masked + tally.refused).toBe(swept);
      console.info(`nested PHI sweep ${role}: ${swept} classified fields on ${classified.length} types, ${JSON.stringify(tally)}`);
    }
  });
});

describe('startup refusal', () => {
  const build = (extra: string) => applyPhiDirectives(makeExecutableSchema({ typeDefs: [...loadTypeDefs(), extra] }));

  it('accepts the shipped schema', () => {
    expect(() => build('')).not.toThrow();
  });

  it('refuses an unclassified text field on a patient-bearing type, naming the field', () => {
    expect(() => build('extend type Patient { nickname: String }')).toThrow(/Patient\.nickname .*@phi/);
    expect(() => build('extend type Encounter { dischargeDate: Date }')).toThrow(/Encounter\.dischargeDate .*@phi/);
  });

  it('finds patient-bearing types mechanically: a patient field, @patientRecord, or an embedded value of one', () => {
    const referral = `type Referral implements Node { id: ID! patient: Patient! letter: String }
      extend type Query { referral: Referral @authenticated }`;
    expect(() => build(referral)).toThrow(/Referral\.letter .*@phi/);
    const marked = `type Handover implements Node @patientRecord { id: ID! summary: JSONObject }
      extend type Query { handover: Handover @authenticated }`;
    expect(() => build(marked)).toThrow(/Handover\.summary .*@phi/);
    const embedded = `type Guardian { name: String } extend type Patient { guardian: Guardian }`;
    expect(() => build(embedded)).toThrow(/Guardian\.name .*@phi/);
  });

  it('refuses a non-null field of a kind some roles may not read', () => {
    expect(() => build('extend type Patient { nationalId: String! @phi(kind: IDENTIFIER) }')).toThrow(
      /Patient\.nationalId is @phi\(kind: IDENTIFIER\).*must be nullable/,
    );
  });
});
