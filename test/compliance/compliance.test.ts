import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/kernel/auth/permissions.js';
import type { TransactionSql } from '../../src/kernel/db/pool.js';
import { CursorCodec, type PageRequest } from '../../src/kernel/pagination.js';
import { auditEventPage, patientAccessPage, type AuditEventFilter } from '../../src/compliance/audit-trail-repository.js';
import { planOf as explainPlan } from '../helpers/explain.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * The compliance queries (AUDIT_READ): who may run them, that they never show another
 * organization's rows, their filters and keyset pages, that running them is itself a recorded
 * access to the patient, and that the export holds exactly the access log's rows.
 */

let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let tokens: Record<Role, string>;
let southTokens: Record<Role, string>;
/** North's patient with reads, changes and a refused change; south's patient with its own. */
let patient: { id: string; patientId: string; version: number };
let encounterId: string;
let southPatient: { id: string; patientId: string };
/** An instant after the arranged events and before any compliance read. */
let arrangedBy: string;

const AUDITORS: Role[] = ['ORG_ADMIN', 'COMPLIANCE_OFFICER'];

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  return expectData(app, query, variables, token);
}

const CREATE_PATIENT = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId version } } }`;
const UPDATE_PATIENT = `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { id version } } }`;
const CREATE_ENCOUNTER = `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id encounterId } } }`;
const READ_PATIENT = `query NurseChartLookup($id: ID!) { patient(id: $id) { firstName lastName } }`;

const AUDIT_EVENTS = `query AuditReview($filter: AuditEventFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditEvents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { eventId occurredAt actorId action entityType entityId outcome requestId patientId changedFields changes
      actor { userId } patient { patientId lastName } } }
  } }`;
const ACCESS_LOG = `query AccessReview($p: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
  patientAccessLog(patientId: $p, from: $from, to: $to, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { kind occurredAt actorId operationName action entityType entityId outcome requestId actor { userId } } }
  } }`;
const EXPORT = `query DisclosureExport($p: ID!, $from: DateTime, $to: DateTime, $format: ExportFormat!) {
  accountingOfDisclosures(patientId: $p, from: $from, to: $to, format: $format) { contentType filename content rowCount from to } }`;

type Edge<T> = { cursor: string; node: T };
const nodes = <T,>(res: GraphQLResponse, field: string): T[] => (res.data![field].edges as Edge<T>[]).map((e) => e.node);

beforeAll(async () => {
  app = await createTestApp();
  north = await createOrganization(app.admin, 'north-compliance');
  south = await createOrganization(app.admin, 'south-compliance');
  tokens = await tokensByRole(app, north);
  southTokens = await tokensByRole(app, south);
  const created = await ok(CREATE_PATIENT, { i: { firstName: 'Amina', lastName: 'Audit', dateOfBirth: '1980-02-02' } }, tokens.FRONT_DESK);
  patient = created.createPatient.patient;
  const updated = await ok(UPDATE_PATIENT, { i: { id: patient.id, version: patient.version, phone: '+254700000001' } }, tokens.FRONT_DESK);
  patient.version = updated.updatePatient.patient.version;
  encounterId = (await ok(CREATE_ENCOUNTER, { i: { patientId: patient.id, encounterType: 'OUTPATIENT' } }, tokens.PHYSICIAN))
    .createEncounter.encounter.encounterId;
  await ok(READ_PATIENT, { id: patient.id }, tokens.NURSE);
  // A refused attempt (ANALYST may not write patients) is audited as a change attempt on the patient.
  const refused = await app.gql(UPDATE_PATIENT, { i: { id: patient.id, version: patient.version, phone: '+1' } }, tokens.ANALYST);
  expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  const south1 = await ok(CREATE_PATIENT, { i: { firstName: 'Sami', lastName: 'South', dateOfBirth: '1990-01-01' } }, southTokens.FRONT_DESK);
  southPatient = south1.createPatient.patient;
  await ok(CREATE_ENCOUNTER, { i: { patientId: southPatient.id, encounterType: 'OUTPATIENT' } }, southTokens.PHYSICIAN);
  await ok(READ_PATIENT, { id: southPatient.id }, southTokens.NURSE);
  const [now] = await app.admin<{ at: string }[]>`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`;
  arrangedBy = now!.at;
});
afterAll(() => app?.close());

describe('roles', () => {
  const calls = () => [
    ['auditEvents', AUDIT_EVENTS, { first: 5 }],
    ['patientAccessLog', ACCESS_LOG, { p: patient.id, first: 5 }],
    ['accountingOfDisclosures', EXPORT, { p: patient.id, format: 'CSV' }],
  ] as const;

  it('grants AUDIT_READ to ORG_ADMIN and COMPLIANCE_OFFICER and refuses every other role with FORBIDDEN', async () => {
    expect(ROLES).toContain('COMPLIANCE_OFFICER');
    for (const [field, query, variables] of calls()) {
      for (const role of ROLES) {
        const res = await app.gql(query, variables, tokens[role]);
        if (AUDITORS.includes(role)) {
          expect(res.errors, `${field} as ${role}`).toBeUndefined();
          expect(res.data?.[field], `${field} as ${role}`).toBeTruthy();
        } else {
          expect(res.errors?.[0]?.extensions.code, `${field} as ${role}`).toBe('FORBIDDEN');
          expect(res.errors?.[0]?.message).toMatch(/audit:read/);
          expect(res.data).toBeNull();
        }
      }
    }
  });

  it('gives COMPLIANCE_OFFICER no clinical record and no clinical write', async () => {
    const chart = await app.gql(`query($id: ID!) { encounter(id: $id) { id } }`, { id: encounterId }, tokens.COMPLIANCE_OFFICER);
    expect(chart.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const write = await app.gql(CREATE_ENCOUNTER, { i: { patientId: patient.id, encounterType: 'OUTPATIENT' } }, tokens.COMPLIANCE_OFFICER);
    expect(write.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it("shows the officer which fields a change touched but not their values; ORG_ADMIN sees the values", async () => {
    const filter = { entityId: patient.patientId, action: 'patient.update' };
    const [asOfficer] = nodes<any>(await app.gql(AUDIT_EVENTS, { filter }, tokens.COMPLIANCE_OFFICER), 'auditEvents');
    const [asAdmin] = nodes<any>(await app.gql(AUDIT_EVENTS, { filter }, tokens.ORG_ADMIN), 'auditEvents');
    expect(asOfficer).toMatchObject({ changedFields: ['phone'], changes: null, patient: { lastName: 'Audit' } });
    expect(asAdmin).toMatchObject({ changedFields: ['phone'], changes: { after: { phone: '+254700000001' } } });
  });
});

describe('tenant isolation', () => {
  it("never lists another organization's events, whatever the filter", async () => {
    const southIds = new Set(
      (await app.admin<{ id: string }[]>`select id from audit_log where organization_id = ${south.id}`).map((r) => r.id),
    );
    expect(southIds.size).toBeGreaterThan(0);
    const all = nodes<{ eventId: string }>(await app.gql(AUDIT_EVENTS, { first: 1000 }, tokens.COMPLIANCE_OFFICER), 'auditEvents');
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((e) => southIds.has(e.eventId))).toEqual([]);
    for (const filter of [
      { entityId: southPatient.patientId },
      { actorId: south.users.FRONT_DESK.id },
      { actorId: south.users.PHYSICIAN.id, action: 'encounter.create' },
    ]) {
      const res = await app.gql(AUDIT_EVENTS, { filter }, tokens.ORG_ADMIN);
      expect(res.errors).toBeUndefined();
      expect(res.data?.auditEvents, JSON.stringify(filter)).toMatchObject({ edges: [], totalCount: 0 });
    }
  });

  it("answers another organization's patient exactly as an unknown one: NOT_FOUND, nothing read", async () => {
    for (const query of [ACCESS_LOG, EXPORT]) {
      for (const p of [southPatient.id, southPatient.patientId, '00000000-0000-4000-8000-00000000abcd']) {
        const res = await app.gql(query, { p, format: 'JSON' }, tokens.COMPLIANCE_OFFICER);
        expect(res.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
        expect(res.data).toBeNull();
      }
    }
    const recorded = await app.admin`
      select 1 from phi_access_log where organization_id = ${north.id} and patient_ids @> array[${southPatient.patientId}]::uuid[]`;
    expect(recorded).toHaveLength(0);
  });

  it('reads the logs through row-level security too: the app role sees only its organization', async () => {
    const counts = await app.admin.begin(async (tx) => {
      await tx`select set_config('role', 'health_app', true), set_config('app.organization_id', ${north.id}, true)`;
      return tx<{ audit: number; phi: number }[]>`
        select (select count(*) from audit_log where organization_id = ${south.id})::int as audit,
               (select count(*) from phi_access_log where organization_id = ${south.id})::int as phi`;
    });
    expect(counts[0]).toEqual({ audit: 0, phi: 0 });
  });
});

describe('patientAccessLog', () => {
  it('lists who read and who changed the patient, newest first, with the operation', async () => {
    const entries = nodes<any>(await app.gql(ACCESS_LOG, { p: patient.id, to: arrangedBy, first: 100 }, tokens.COMPLIANCE_OFFICER), 'patientAccessLog');
    const changes = entries.filter((e) => e.kind === 'CHANGE').map((e) => [e.action, e.entityType, e.outcome, e.actorId]);
    expect(changes).toEqual([
      ['mutation.refused', 'updatePatient', 'FORBIDDEN', north.users.ANALYST.id],
      ['encounter.create', 'encounter', 'SUCCESS', north.users.PHYSICIAN.id],
      ['patient.update', 'patient', 'SUCCESS', north.users.FRONT_DESK.id],
      ['patient.create', 'patient', 'SUCCESS', north.users.FRONT_DESK.id],
    ]);
    expect(entries.find((e) => e.action === 'encounter.create').entityId).toBe(encounterId);
    const reads = entries.filter((e) => e.kind === 'READ');
    expect(reads).toContainEqual(
      expect.objectContaining({ operationName: 'NurseChartLookup', actorId: north.users.NURSE.id, actor: { userId: north.users.NURSE.id }, action: null, outcome: null }),
    );
    const times = entries.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('records its own read as an access to the patient, which the next review shows', async () => {
    const requestId = `compliance-review-${Date.now()}`;
    const res = await app.gql(ACCESS_LOG, { p: patient.id, first: 1 }, tokens.COMPLIANCE_OFFICER, { 'x-request-id': requestId });
    expect(res.errors).toBeUndefined();
    const rows = await app.admin<{ userId: string; operationName: string }[]>`
      select user_id::text as "userId", operation_name as "operationName" from phi_access_log
      where organization_id = ${north.id} and request_id = ${requestId} and patient_ids @> array[${patient.patientId}]::uuid[]`;
    expect(rows).toEqual([{ userId: north.users.COMPLIANCE_OFFICER.id, operationName: 'AccessReview' }]);
    const next = nodes<any>(await app.gql(ACCESS_LOG, { p: patient.id, first: 5 }, tokens.ORG_ADMIN), 'patientAccessLog');
    expect(next).toContainEqual(expect.objectContaining({ kind: 'READ', requestId, actorId: north.users.COMPLIANCE_OFFICER.id, operationName: 'AccessReview' }));
  });

  it('records reading audit events about a patient as an access to that patient', async () => {
    const requestId = `compliance-events-${Date.now()}`;
    await app.gql(AUDIT_EVENTS, { filter: { entityId: encounterId } }, tokens.COMPLIANCE_OFFICER, { 'x-request-id': requestId });
    const rows = await app.admin<{ ids: string[] }[]>`
      select patient_ids::text[] as ids from phi_access_log where organization_id = ${north.id} and request_id = ${requestId}`;
    expect(rows).toEqual([{ ids: [patient.patientId] }]);
  });

  it("keeps a soft-deleted patient's log and audit events readable (the trail outlives the deletion)", async () => {
    const p = (await ok(CREATE_PATIENT, { i: { firstName: 'Gone', lastName: 'Later', dateOfBirth: '1950-01-01' } }, tokens.FRONT_DESK)).createPatient.patient;
    await ok(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: p.id, version: p.version } }, tokens.ORG_ADMIN);
    const entries = nodes<any>(await app.gql(ACCESS_LOG, { p: p.id }, tokens.COMPLIANCE_OFFICER), 'patientAccessLog');
    expect(entries.filter((e) => e.kind === 'CHANGE').map((e) => e.action)).toEqual(['patient.delete', 'patient.create']);
    const events = nodes<any>(await app.gql(AUDIT_EVENTS, { filter: { entityId: p.patientId } }, tokens.COMPLIANCE_OFFICER), 'auditEvents');
    // The events stay; the patient record itself is gone from every read, here too.
    expect(events.map((e) => [e.action, e.patientId, e.patient])).toEqual([['patient.delete', p.patientId, null], ['patient.create', p.patientId, null]]);
  });
});

describe('auditEvents filters', () => {
  const matching = async (filter: Record<string, unknown>) => {
    const res = await app.gql(AUDIT_EVENTS, { filter, first: 1000 }, tokens.ORG_ADMIN);
    expect(res.errors, JSON.stringify(filter)).toBeUndefined();
    return { events: nodes<any>(res, 'auditEvents'), total: res.data!.auditEvents.totalCount as number };
  };

  it('narrows by entity type, entity, actor, action and outcome, and counts what it narrows', async () => {
    const cases: [Record<string, unknown>, (e: any) => boolean][] = [
      [{ entityType: 'encounter' }, (e) => e.entityType === 'encounter'],
      [{ entityId: patient.patientId }, (e) => e.entityId === patient.patientId],
      [{ entityType: 'patient', entityId: patient.patientId }, (e) => e.entityType === 'patient' && e.entityId === patient.patientId],
      [{ actorId: north.users.PHYSICIAN.id }, (e) => e.actorId === north.users.PHYSICIAN.id],
      [{ action: 'patient.create' }, (e) => e.action === 'patient.create'],
      [{ outcome: 'FORBIDDEN' }, (e) => e.outcome === 'FORBIDDEN'],
      [{ actorId: north.users.FRONT_DESK.id, action: 'patient.update' }, (e) => e.action === 'patient.update' && e.actorId === north.users.FRONT_DESK.id],
    ];
    const everything = (await matching({})).events;
    for (const [filter, predicate] of cases) {
      const { events, total } = await matching(filter);
      expect(events.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(events.every(predicate), JSON.stringify(filter)).toBe(true);
      expect(events.map((e) => e.eventId), JSON.stringify(filter)).toEqual(everything.filter(predicate).map((e) => e.eventId));
      expect(total, JSON.stringify(filter)).toBe(events.length);
    }
  });

  it('narrows by time: from inclusive, to exclusive; a reversed range is BAD_USER_INPUT', async () => {
    const { events } = await matching({ action: 'patient.update' });
    const at = events[0].occurredAt as string;
    expect((await matching({ action: 'patient.update', from: at })).events).toHaveLength(1);
    expect((await matching({ action: 'patient.update', to: at })).events).toHaveLength(0);
    const reversed = await app.gql(AUDIT_EVENTS, { filter: { from: arrangedBy, to: at } }, tokens.ORG_ADMIN);
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('resolves actors and patients, and leaves the patient null for events about none', async () => {
    const { events } = await matching({ action: 'encounter.create', actorId: north.users.PHYSICIAN.id });
    expect(events[0]).toMatchObject({ patientId: patient.patientId, patient: { patientId: patient.patientId }, actor: { userId: north.users.PHYSICIAN.id } });
    const logins = (await matching({ action: 'auth.login.success' })).events;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.patientId === null && e.patient === null)).toBe(true);
  });
});

describe('pages', () => {
  it('caps a page at 1000', async () => {
    for (const [query, variables] of [
      [AUDIT_EVENTS, { first: 1001 }],
      [ACCESS_LOG, { p: patient.id, first: 1001 }],
      [AUDIT_EVENTS, { last: 1001 }],
    ] as const) {
      const res = await app.gql(query, variables, tokens.COMPLIANCE_OFFICER);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', max: 1000 });
    }
    const full = await app.gql(AUDIT_EVENTS, { first: 1000 }, tokens.COMPLIANCE_OFFICER);
    expect(full.errors).toBeUndefined();
  });

  it('walks every page forward and backward with cursors, ties on the instant included', async () => {
    // Events of one transaction share their instant: page boundaries must fall between them too.
    await app.admin`
      insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, occurred_at)
      select ${north.id}, ${north.users.ORG_ADMIN.id}, 'patient.update', 'patient', ${patient.patientId}, '2026-01-01T00:00:00Z'
      from generate_series(1, 7)`;
    const variables = { p: patient.id, to: arrangedBy };
    const whole = nodes<any>(await app.gql(ACCESS_LOG, { ...variables, first: 1000 }, tokens.ORG_ADMIN), 'patientAccessLog');
    expect(whole.length).toBeGreaterThan(10);
    const key = (e: any) => `${e.kind}:${e.occurredAt}:${e.requestId}:${e.action}`;
    const forward: any[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse = await app.gql(ACCESS_LOG, { ...variables, first: 3, after }, tokens.ORG_ADMIN);
      forward.push(...nodes(res, 'patientAccessLog'));
      const info = res.data!.patientAccessLog.pageInfo;
      if (!info.hasNextPage) break;
      after = info.endCursor;
    }
    expect(forward.map(key)).toEqual(whole.map(key));
    expect(forward).toHaveLength(whole.length);
    const backward: any[] = [];
    let before: string | null = null;
    for (;;) {
      const res: GraphQLResponse = await app.gql(ACCESS_LOG, { ...variables, last: 4, before }, tokens.ORG_ADMIN);
      backward.unshift(...nodes(res, 'patientAccessLog'));
      const info = res.data!.patientAccessLog.pageInfo;
      if (!info.hasPreviousPage) break;
      before = info.startCursor;
    }
    expect(backward).toHaveLength(whole.length);
    expect(backward.map(key)).toEqual(whole.map(key));

    const events = await app.gql(AUDIT_EVENTS, { filter: { entityId: patient.patientId }, first: 4 }, tokens.ORG_ADMIN);
    const next = await app.gql(AUDIT_EVENTS, { filter: { entityId: patient.patientId }, first: 4, after: events.data!.auditEvents.pageInfo.endCursor }, tokens.ORG_ADMIN);
    const all = await app.gql(AUDIT_EVENTS, { filter: { entityId: patient.patientId }, first: 8 }, tokens.ORG_ADMIN);
    expect([...nodes<any>(events, 'auditEvents'), ...nodes<any>(next, 'auditEvents')].map((e) => e.eventId)).toEqual(
      nodes<any>(all, 'auditEvents').map((e) => e.eventId),
    );
  });

  it("refuses another list's cursor", async () => {
    const events = await app.gql(AUDIT_EVENTS, { first: 1 }, tokens.ORG_ADMIN);
    const foreign = events.data!.auditEvents.pageInfo.endCursor;
    const res = await app.gql(ACCESS_LOG, { p: patient.id, after: foreign }, tokens.ORG_ADMIN);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('accountingOfDisclosures', () => {
  /** The access log's rows in the range, oldest first, straight from the tables. */
  async function expectedRows(from: string, to: string) {
    return app.admin<{ at: string; kind: string; actor: string | null; op: string | null; action: string | null; type: string | null; entity: string | null; outcome: string | null; request: string | null }[]>`
      select * from (
        select cursor_timestamp(accessed_at) as at, 'READ' as kind, user_id::text as actor, operation_name as op, null as action,
               null as type, null as entity, null as outcome, request_id as request, id
        from phi_access_log where organization_id = ${north.id} and patient_ids @> array[${patient.patientId}]::uuid[]
          and accessed_at >= ${from} and accessed_at < ${to}
        union all
        select cursor_timestamp(occurred_at), 'CHANGE', actor_user_id::text, null, action, entity_type, entity_id::text, outcome, request_id, id
        from audit_log where organization_id = ${north.id} and subject_patient_id = ${patient.patientId}
          and occurred_at >= ${from} and occurred_at < ${to}
      ) e order by at, id`;
  }

  it('exports the same rows as CSV and as JSON, with the actors named', async () => {
    const from = '2000-01-01T00:00:00.000Z';
    const rows = await expectedRows(from, arrangedBy);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const names = new Map((await app.admin<{ id: string; name: string }[]>`
      select id::text, display_name as name from users where organization_id = ${north.id}`).map((u) => [u.id, u.name]));

    const csv = (await ok(EXPORT, { p: patient.id, from, to: arrangedBy, format: 'CSV' }, tokens.COMPLIANCE_OFFICER)).accountingOfDisclosures;
    expect(csv).toMatchObject({ contentType: 'text/csv; charset=utf-8', rowCount: rows.length, from, to: arrangedBy });
    expect(csv.filename).toMatch(new RegExp(`^disclosures-${patient.patientId}-2000-01-01-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const lines = (csv.content as string).split('\r\n');
    expect(lines[0]).toBe('occurred_at,kind,actor_id,actor_name,operation_name,action,entity_type,entity_id,outcome,request_id');
    expect(lines.slice(1, -1)).toEqual(
      rows.map((r) => [r.at, r.kind, r.actor, r.actor ? names.get(r.actor) : null, r.op, r.action, r.type, r.entity, r.outcome, r.request].map((v) => v ?? '').join(',')),
    );

    const json = (await ok(EXPORT, { p: patient.id, from, to: arrangedBy, format: 'JSON' }, tokens.ORG_ADMIN)).accountingOfDisclosures;
    expect(json.contentType).toBe('application/json');
    const document = JSON.parse(json.content);
    expect(document.patientId).toBe(patient.patientId);
    expect(document.entries.map((e: any) => [e.occurredAt, e.kind, e.actorId, e.actorName, e.operationName, e.action, e.entityType, e.entityId, e.outcome, e.requestId])).toEqual(
      rows.map((r) => [r.at, r.kind, r.actor, r.actor ? (names.get(r.actor) ?? null) : null, r.op, r.action, r.type, r.entity, r.outcome, r.request]),
    );
  });

  it('matches the access log of the same range, and is itself recorded as an access', async () => {
    const list = nodes<any>(await app.gql(ACCESS_LOG, { p: patient.id, to: arrangedBy, first: 1000 }, tokens.ORG_ADMIN), 'patientAccessLog');
    const requestId = `compliance-export-${Date.now()}`;
    const res = await app.gql(EXPORT, { p: patient.id, to: arrangedBy, format: 'JSON' }, tokens.COMPLIANCE_OFFICER, { 'x-request-id': requestId });
    const entries = JSON.parse(res.data!.accountingOfDisclosures.content).entries;
    expect(entries.map((e: any) => [e.kind, e.action, e.requestId])).toEqual([...list].reverse().map((e) => [e.kind, e.action, e.requestId]));
    const recorded = await app.admin`
      select 1 from phi_access_log where request_id = ${requestId} and patient_ids @> array[${patient.patientId}]::uuid[]`;
    expect(recorded).toHaveLength(1);
  });
});

describe('query plans', () => {
  const ORG = '00000000-0000-4000-8000-000000000001';
  const ID = '00000000-0000-4000-8000-000000000002';
  const codec = CursorCodec.ephemeral();
  const page = (cursor: PageRequest['cursor']): PageRequest => ({ forward: true, limit: 20, cursor, ordering: 'plan', cursors: codec });
  const none: AuditEventFilter = { entityType: null, entityId: null, actorId: null, action: null, outcome: null, from: null, to: null };

  const planOf = (read: (tx: TransactionSql) => Promise<unknown[]>) => explainPlan(app.admin, read);

  /**
   * The indexes a plan scans, each named by the index of the partitioned log it belongs to (a
   * partition's index is made from its parent's, migration 000018).
   */
  const scannedIndexes = async (plan: string) => {
    const names = [...plan.matchAll(/(?:Index Scan(?: Backward)? using|Index Only Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]!);
    const parents = await app.admin<{ name: string; parent: string }[]>`
      select c.relname as name, coalesce(p.relname, c.relname) as parent
      from unnest(${names}::text[]) n join pg_class c on c.relname = n
      left join pg_inherits i on i.inhrelid = c.oid left join pg_class p on p.oid = i.inhparent`;
    return [...new Set(parents.map((r) => r.parent))];
  };
  /** A Sort node (a Merge Append of ordered partition scans prints only a "Sort Key"). */
  const SORT_NODE = /(^|->)\s*(Incremental )?Sort\b(?! Key)/m;

  it.each([
    ['no filter', {}, 'audit_log_org_occurred_id_idx'],
    ['entity', { entityId: ID }, 'audit_log_org_entity_occurred_idx'],
    ['actor', { actorId: ID }, 'audit_log_org_actor_occurred_idx'],
    ['action', { action: 'patient.update' }, 'audit_log_org_action_occurred_idx'],
  ] as const)('auditEvents by %s reads one index range in order, no sort', async (_name, filter, index) => {
    for (const cursor of [null, ['2026-06-01T00:00:00.123456Z', ID]] as const) {
      const plan = await planOf((tx) => auditEventPage(tx, ORG, { ...none, ...filter }, page(cursor)));
      expect(plan).toMatch(/Index Scan Backward using/);
      expect(await scannedIndexes(plan), plan).toEqual([index]);
      expect(plan).not.toMatch(SORT_NODE);
      expect(plan).not.toMatch(/Seq Scan/);
    }
  });

  it("patientAccessLog reads the patient's rows through their indexes", async () => {
    // Statistics of a realistic spread: 20,000 requests of one organization, each reading 20 of
    // 5,000 patients, so one patient is in some 80 rows; sequential scans priced out as above.
    await app.admin`
      insert into phi_access_log (organization_id, user_id, request_id, patient_ids, operation_name, accessed_at)
      select ${north.id}, ${north.users.NURSE.id}, 'bulk-' || g,
             array(select ('00000000-0000-4000-8000-' || lpad(((g * 20 + k) % 5000)::text, 12, '0'))::uuid from generate_series(1, 20) k),
             'PatientList', now() - g * interval '1 minute'
      from generate_series(1, 20000) g`;
    await app.admin`analyze phi_access_log`;
    await app.admin`analyze audit_log`;
    const plan = await planOf((tx) => patientAccessPage(tx, north.id, '00000000-0000-4000-8000-000000000042', { from: null, to: null }, page(null)));
    expect(await scannedIndexes(plan), plan).toEqual(expect.arrayContaining(['phi_access_log_patient_ids_idx', 'audit_log_org_patient_occurred_idx']));
    expect(plan).toMatch(/Bitmap Index Scan on/);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
