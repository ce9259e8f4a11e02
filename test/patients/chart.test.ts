import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { during, expectInSpan } from '../helpers/clock.js';
import { waitForLockWaits } from '../helpers/wait.js';
import { expectData } from '../helpers/expect-data.js';

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let other: TestOrganization;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  org = await createOrganization(app.admin, 'chart');
  other = await createOrganization(app.admin, 'elsewhere');
  [tokens, otherTokens] = await Promise.all([tokensByRole(app, org), tokensByRole(app, other)]);
});
afterAll(() => app.close());

const PROBLEM = `problemId status description code codeSystem severity onsetDate resolvedDate version
  recordedBy { userId } encounter { encounterId } patient { patientId }`;
const NOTE = `clinicalNoteId noteType title body status signedAt version author { userId } signedBy { userId }
  amends { clinicalNoteId } amendments { clinicalNoteId }`;
const ALLERGY = `drugAllergyId allergen allergenCode severity status onsetDate recordedBy { userId }`;
const PRESCRIPTION = `prescriptionId medicationName medicationCode doseAmount quantity refills route status startDate endDate
  discontinuedAt discontinuedReason allergyOverrideReason version prescriber { userId }`;

const ADD_PROBLEM = `mutation($i: AddProblemInput!) { addProblem(input: $i) { problem { ${PROBLEM} } } }`;
const RESOLVE_PROBLEM = `mutation($i: ResolveProblemInput!) { resolveProblem(input: $i) { problem { ${PROBLEM} } } }`;
const ADD_NOTE = `mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id ${NOTE} } } }`;
const SIGN_NOTE = `mutation($i: SignClinicalNoteInput!) { signClinicalNote(input: $i) { clinicalNote { ${NOTE} } } }`;
const RECORD_ALLERGY = `mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { id ${ALLERGY} } } }`;
const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id ${PRESCRIPTION} } } }`;
const DISCONTINUE = `mutation($i: DiscontinuePrescriptionInput!) { discontinuePrescription(input: $i) { prescription { ${PRESCRIPTION} } } }`;

/** Runs an operation that must succeed and returns its data. */
async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  return expectData(app, query, variables, token);
}

function firstError(res: GraphQLResponse) {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
}

async function createPatient(token = tokens.FRONT_DESK, lastName = 'Chart') {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`,
    { i: { firstName: 'Wanjiru', lastName, dateOfBirth: '1975-03-14' } },
    token,
  );
  return data.createPatient.patient as { id: string; patientId: string };
}

async function createEncounter(patientId: string, token = tokens.PHYSICIAN) {
  const data = await ok(
    `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id encounterId } } }`,
    { i: { patientId, encounterType: 'OUTPATIENT' } },
    token,
  );
  return data.createEncounter.encounter as { id: string; encounterId: string };
}

const addProblem = async (i: Record<string, unknown>, token = tokens.PHYSICIAN) =>
  (await ok(ADD_PROBLEM, { i: { description: 'Essential hypertension', ...i } }, token)).addProblem.problem;
const addNote = async (i: Record<string, unknown>, token = tokens.PHYSICIAN) =>
  (await ok(ADD_NOTE, { i: { noteType: 'PROGRESS', body: 'Patient feels better.', ...i } }, token)).addClinicalNote.clinicalNote;
const signNote = async (id: string, version: number, token = tokens.PHYSICIAN) =>
  (await ok(SIGN_NOTE, { i: { id, version } }, token)).signClinicalNote.clinicalNote;
const recordAllergy = async (i: Record<string, unknown>, token = tokens.NURSE) =>
  (await ok(RECORD_ALLERGY, { i: { allergen: 'Penicillin', severity: 'SEVERE', ...i } }, token)).recordDrugAllergy.drugAllergy;
const RX = { medicationName: 'Amoxicillin 500 mg capsule', dosage: '500 mg', route: 'ORAL', frequency: 'three times daily' };
const prescribe = async (i: Record<string, unknown>, token = tokens.PHYSICIAN) =>
  (await ok(PRESCRIBE, { i: { ...RX, ...i } }, token)).prescribeMedication.prescription;

async function auditRows(entityId: string) {
  return app.admin<{ action: string; actor_user_id: string; organization_id: string; entity_type: string; changes: any }[]>`
    select action, actor_user_id, organization_id, entity_type, changes from audit_log
    where entity_id = ${entityId} and outcome = 'SUCCESS' order by occurred_at, action`;
}

/** The `count` column of a one-row superuser query. */
async function countOf(strings: TemplateStringsArray, ...values: any[]): Promise<number> {
  const rows = await app.admin<{ count: number }[]>(strings, ...values);
  return rows[0]!.count;
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

describe('problems', () => {
  it('adds a problem linked to an encounter, with one audit row naming actor, organization and entity', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    const problem = await addProblem({
      patientId: p.id,
      encounterId: e.id,
      code: 'I10',
      codeSystem: 'icd-10',
      severity: 'MODERATE',
      onsetDate: '2020-02-01',
      notes: 'Family history.',
    });
    expect(problem).toMatchObject({
      status: 'ACTIVE',
      code: 'I10',
      codeSystem: 'ICD-10',
      onsetDate: '2020-02-01',
      resolvedDate: null,
      version: 1,
      recordedBy: { userId: org.users.PHYSICIAN.id },
      encounter: { encounterId: e.encounterId },
      patient: { patientId: p.patientId },
    });
    const audit = await auditRows(problem.problemId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'problem.create',
      entity_type: 'problem',
      actor_user_id: org.users.PHYSICIAN.id,
      organization_id: org.id,
    });
    expect(audit[0]!.changes.after).toMatchObject({ description: 'Essential hypertension', status: 'ACTIVE' });
  });

  it('refuses invalid input naming the field', async () => {
    const p = await createPatient();
    const other = await createPatient();
    const e = await createEncounter(other.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ description: '   ' }, 'description'],
      [{ onsetDate: '2999-01-01' }, 'onsetDate'],
      [{ code: 'I10' }, 'codeSystem'],
      [{ code: 'I10', codeSystem: 'not a system!' }, 'codeSystem'],
      [{ encounterId: e.id }, 'encounterId'],
      [{ patientId: 'not-an-id' }, 'patientId'],
    ];
    for (const [input, field] of cases) {
      const res = await app.gql(ADD_PROBLEM, { i: { patientId: p.id, description: 'Asthma', ...input } }, tokens.PHYSICIAN);
      expect(firstError(res).extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const count = await countOf`select count(*)::int as count from problem_list where patient_id = ${p.patientId}`;
    expect(count).toBe(0);
  });

  it('resolves ACTIVE → RESOLVED once, checking version and dates', async () => {
    const p = await createPatient();
    const problem = await addProblem({ patientId: p.id, onsetDate: '2024-06-01' });
    const early = await app.gql(RESOLVE_PROBLEM, { i: { id: problem.problemId, version: 1, resolvedDate: '2024-05-01' } }, tokens.PHYSICIAN);
    expect(firstError(early).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resolvedDate' });
    const future = await app.gql(RESOLVE_PROBLEM, { i: { id: problem.problemId, version: 1, resolvedDate: '2999-05-01' } }, tokens.PHYSICIAN);
    expect(firstError(future).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resolvedDate' });
    const stale = await app.gql(RESOLVE_PROBLEM, { i: { id: problem.problemId, version: 7 } }, tokens.PHYSICIAN);
    expect(firstError(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });

    const resolved = (await ok(RESOLVE_PROBLEM, { i: { id: problem.problemId, version: 1 } }, tokens.NURSE)).resolveProblem.problem;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedDate: todayUtc(), version: 2 });
    const again = await app.gql(RESOLVE_PROBLEM, { i: { id: problem.problemId, version: 2 } }, tokens.PHYSICIAN);
    expect(firstError(again).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', from: 'RESOLVED' });

    const audit = await auditRows(problem.problemId);
    expect(audit.map((a) => a.action)).toEqual(['problem.create', 'problem.resolve']);
    expect(audit[1]).toMatchObject({ actor_user_id: org.users.NURSE.id, organization_id: org.id, entity_type: 'problem' });
    expect(audit[1]!.changes).toEqual({
      before: { status: 'ACTIVE', resolvedDate: null },
      after: { status: 'RESOLVED', resolvedDate: todayUtc() },
    });
    const summary = await ok(`query($id: ID!) { patient(id: $id) { summary { activeProblemCount } } }`, { id: p.id }, tokens.NURSE);
    expect(summary.patient.summary.activeProblemCount).toBe(0);
  });
});

describe('clinical notes', () => {
  it('writes a DRAFT, signs it once, and refuses a stale version', async () => {
    const p = await createPatient();
    // The physician signs the nurse's note as its named co-signer (signing is the author's or co-signer's act, issue 20).
    const note = await addNote({ patientId: p.id, title: 'Day 1', body: '  Afebrile, eating well.  ', cosignerId: org.users.PHYSICIAN.id }, tokens.NURSE);
    expect(note).toMatchObject({
      status: 'DRAFT',
      title: 'Day 1',
      body: 'Afebrile, eating well.',
      signedAt: null,
      signedBy: null,
      version: 1,
      author: { userId: org.users.NURSE.id },
    });
    const stale = await app.gql(SIGN_NOTE, { i: { id: note.id, version: 3 } }, tokens.PHYSICIAN);
    expect(firstError(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });

    const { value: signed, span: signing } = await during(() => signNote(note.id, 1));
    expect(signed).toMatchObject({ status: 'SIGNED', version: 2, signedBy: { userId: org.users.PHYSICIAN.id }, author: { userId: org.users.NURSE.id } });
    expectInSpan(signed.signedAt, signing);
    const twice = await app.gql(SIGN_NOTE, { i: { id: note.id, version: 2 } }, tokens.PHYSICIAN);
    expect(firstError(twice).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(firstError(twice).message).toMatch(/amendment/);

    const audit = await auditRows(note.clinicalNoteId);
    expect(audit.map((a) => [a.action, a.actor_user_id, a.organization_id, a.entity_type])).toEqual([
      ['clinical_note.create', org.users.NURSE.id, org.id, 'clinical_note'],
      ['clinical_note.sign', org.users.PHYSICIAN.id, org.id, 'clinical_note'],
    ]);
    expect(audit[1]!.changes.before).toMatchObject({ status: 'DRAFT', signedBy: null });
    expect(audit[1]!.changes.after).toMatchObject({ status: 'SIGNED', signedBy: org.users.PHYSICIAN.id });
  });

  it('keeps signed notes immutable: no edit mutation exists and the database trigger refuses a direct UPDATE', async () => {
    const mutations = await ok(`{ __type(name: "Mutation") { fields { name } } }`, {}, tokens.PHYSICIAN);
    const noteMutations = mutations.__type.fields.map((f: { name: string }) => f.name).filter((n: string) => /note/i.test(n));
    expect(noteMutations.sort()).toEqual(['addClinicalNote', 'signClinicalNote']);

    const p = await createPatient();
    const note = await addNote({ patientId: p.id, body: 'Original text.' });
    await signNote(note.id, 1);
    await expect(app.admin`update clinical_notes set body = 'Tampered' where id = ${note.clinicalNoteId}`).rejects.toThrow(
      /immutable/,
    );
    const [row] = await app.admin`select body, status from clinical_notes where id = ${note.clinicalNoteId}`;
    expect(row).toEqual({ body: 'Original text.', status: 'SIGNED' });
  });

  it('amends only a SIGNED note of the same patient; the amendment is a new note', async () => {
    const p = await createPatient();
    const q = await createPatient();
    const qEncounter = await createEncounter(q.id);
    const invalid: [Record<string, unknown>, string][] = [
      [{ body: '  ' }, 'body'],
      [{ title: 'x'.repeat(301) }, 'title'],
      [{ encounterId: qEncounter.id }, 'encounterId'],
      [{ amendsNoteId: 'garbage' }, 'amendsNoteId'],
    ];
    for (const [input, field] of invalid) {
      const res = await app.gql(ADD_NOTE, { i: { patientId: p.id, noteType: 'PROGRESS', body: 'Text', ...input } }, tokens.PHYSICIAN);
      expect(firstError(res).extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const draft = await addNote({ patientId: p.id, body: 'Draft.' });
    const onDraft = await app.gql(ADD_NOTE, { i: { patientId: p.id, noteType: 'PROGRESS', body: 'Fix', amendsNoteId: draft.id } }, tokens.PHYSICIAN);
    expect(firstError(onDraft).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amendsNoteId' });

    const original = await addNote({ patientId: p.id, body: 'BP 150/95.' });
    await signNote(original.id, 1);
    const otherPatient = await app.gql(ADD_NOTE, { i: { patientId: q.id, noteType: 'PROGRESS', body: 'Fix', amendsNoteId: original.id } }, tokens.PHYSICIAN);
    expect(firstError(otherPatient).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amendsNoteId' });

    const amendment = await addNote({ patientId: p.id, body: 'Correction: BP 140/90.', amendsNoteId: original.id });
    expect(amendment).toMatchObject({ status: 'DRAFT', amends: { clinicalNoteId: original.clinicalNoteId } });
    const read = await ok(`query($id: ID!) { node(id: $id) { ... on ClinicalNote { body status amendments { body } } } }`, { id: original.id }, tokens.NURSE);
    expect(read.node).toEqual({ body: 'BP 150/95.', status: 'SIGNED', amendments: [{ body: 'Correction: BP 140/90.' }] });
    const audit = await auditRows(amendment.clinicalNoteId);
    expect(audit.map((a) => a.action)).toEqual(['clinical_note.amend']);
    expect(audit[0]!.changes.after.amendsNoteId).toBe(original.clinicalNoteId);
  });

  it('pages a patient\'s notes newest first and lists an encounter\'s notes', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    for (let i = 1; i <= 5; i++) await addNote({ patientId: p.id, encounterId: i <= 2 ? e.id : null, title: `Note ${i}` });
    const first = await ok(
      `query($id: ID!) { patient(id: $id) { clinicalNotes(first: 2) { totalCount edges { node { title } } pageInfo { hasNextPage endCursor } } } }`,
      { id: p.id },
      tokens.NURSE,
    );
    const c = first.patient.clinicalNotes;
    expect(c.totalCount).toBe(5);
    expect(c.edges.map((x: any) => x.node.title)).toEqual(['Note 5', 'Note 4']);
    expect(c.pageInfo.hasNextPage).toBe(true);
    const next = await ok(
      `query($id: ID!, $after: String) { patient(id: $id) { clinicalNotes(first: 10, after: $after) { edges { node { title } } pageInfo { hasNextPage hasPreviousPage } } } }`,
      { id: p.id, after: c.pageInfo.endCursor },
      tokens.NURSE,
    );
    expect(next.patient.clinicalNotes.edges.map((x: any) => x.node.title)).toEqual(['Note 3', 'Note 2', 'Note 1']);
    expect(next.patient.clinicalNotes.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const enc = await ok(`query($id: ID!) { encounter(id: $id) { notes { title } } }`, { id: e.id }, tokens.NURSE);
    expect(enc.encounter.notes.map((n: any) => n.title)).toEqual(['Note 1', 'Note 2']);
  });

  it('lets ANALYST read problems but never free-text notes', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    await addProblem({ patientId: p.id, encounterId: e.id, description: 'Type 2 diabetes', notes: 'Free text.' });
    const note = await addNote({ patientId: p.id, encounterId: e.id, body: 'Confidential narrative.' });

    const problems = await ok(`query($id: ID!) { patient(id: $id) { problems { description status } } }`, { id: p.id }, tokens.ANALYST);
    expect(problems.patient.problems).toEqual([{ description: 'Type 2 diabetes', status: 'ACTIVE' }]);

    const forbiddenReads = [
      [`query($id: ID!) { patient(id: $id) { clinicalNotes { edges { node { body } } } } }`, p.id],
      [`query($id: ID!) { encounter(id: $id) { notes { body } } }`, e.id],
      [`query($id: ID!) { node(id: $id) { ... on ClinicalNote { body } } }`, note.id],
    ] as const;
    for (const [query, id] of forbiddenReads) {
      const res = await app.gql(query, { id }, tokens.ANALYST);
      expect(firstError(res).extensions.code, query).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toContain('Confidential');
      expect(JSON.stringify(res.data ?? null)).not.toContain('Free text');
    }
    // Free text on a record ANALYST may read is masked (@phi(kind: CLINICAL_TEXT)): null, no error.
    const masked = await app.gql(`query($id: ID!) { patient(id: $id) { problems { description notes } } }`, { id: p.id }, tokens.ANALYST);
    expect(masked.errors).toBeUndefined();
    expect(masked.data?.patient.problems).toEqual([{ description: 'Type 2 diabetes', notes: null }]);
    const write = await app.gql(ADD_NOTE, { i: { patientId: p.id, noteType: 'PROGRESS', body: 'x' } }, tokens.ANALYST);
    expect(firstError(write).extensions.code).toBe('FORBIDDEN');
  });
});

describe('drug allergies and prescriptions', () => {
  it('records an allergy with an audit row and refuses invalid input', async () => {
    const p = await createPatient();
    const allergy = await recordAllergy({ patientId: p.id, allergenCode: 'RX-7980', reaction: 'Hives', onsetDate: '2010-01-01' });
    expect(allergy).toMatchObject({ allergen: 'Penicillin', severity: 'SEVERE', status: 'ACTIVE', recordedBy: { userId: org.users.NURSE.id } });
    const audit = await auditRows(allergy.drugAllergyId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'drug_allergy.record', entity_type: 'drug_allergy', actor_user_id: org.users.NURSE.id, organization_id: org.id });
    expect(audit[0]!.changes.after).toMatchObject({ allergen: 'Penicillin', reaction: 'Hives' });

    const blank = await app.gql(RECORD_ALLERGY, { i: { patientId: p.id, allergen: ' ' } }, tokens.NURSE);
    expect(firstError(blank).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'allergen' });
    const future = await app.gql(RECORD_ALLERGY, { i: { patientId: p.id, allergen: 'Latex', onsetDate: '2999-01-01' } }, tokens.NURSE);
    expect(firstError(future).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'onsetDate' });
    const long = await app.gql(RECORD_ALLERGY, { i: { patientId: p.id, allergen: 'Latex', allergenCode: 'x'.repeat(51) } }, tokens.NURSE);
    expect(firstError(long).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'allergenCode' });
  });

  it('prescribes with exact decimals and one audit row; refuses invalid input naming the field', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    const rx = await prescribe({ patientId: p.id, encounterId: e.id, doseAmount: 500, doseUnit: 'mg', quantity: 21, refills: 1, durationDays: 7, startDate: '2026-01-01', endDate: '2026-01-07' });
    expect(rx).toMatchObject({
      status: 'ACTIVE',
      doseAmount: '500',
      quantity: '21.00',
      refills: 1,
      route: 'ORAL',
      startDate: '2026-01-01',
      endDate: '2026-01-07',
      allergyOverrideReason: null,
      version: 1,
      prescriber: { userId: org.users.PHYSICIAN.id },
    });
    const audit = await auditRows(rx.prescriptionId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'prescription.create', entity_type: 'prescription', actor_user_id: org.users.PHYSICIAN.id, organization_id: org.id });

    const q = await createPatient();
    const cases: [Record<string, unknown>, string][] = [
      [{ medicationName: '' }, 'medicationName'],
      [{ dosage: ' ' }, 'dosage'],
      [{ frequency: '' }, 'frequency'],
      [{ doseAmount: -5 }, 'doseAmount'],
      [{ quantity: 1.234 }, 'quantity'],
      [{ refills: 100 }, 'refills'],
      [{ durationDays: 0 }, 'durationDays'],
      [{ startDate: '2026-02-01', endDate: '2026-01-01' }, 'endDate'],
      [{ encounterId: e.id }, 'encounterId'],
      [{ instructions: 'x'.repeat(2001) }, 'instructions'],
    ];
    for (const [input, field] of cases) {
      const res = await app.gql(PRESCRIBE, { i: { ...RX, patientId: q.id, ...input } }, tokens.PHYSICIAN);
      expect(firstError(res).extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const nurse = await app.gql(PRESCRIBE, { i: { ...RX, patientId: q.id } }, tokens.NURSE);
    expect(firstError(nurse).extensions.code).toBe('FORBIDDEN');
  });

  it('refuses a prescription matching an ACTIVE allergy (name, containment, code; any case) unless overridden', async () => {
    const p = await createPatient();
    const allergy = await recordAllergy({ patientId: p.id, allergen: 'penicillin', severity: 'LIFE_THREATENING' });
    await recordAllergy({ patientId: p.id, allergen: 'Sulfamethoxazole', allergenCode: 'RX-10831', severity: 'MODERATE' });

    const byName = await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id, medicationName: 'PENICILLIN' } }, tokens.PHYSICIAN);
    expect(firstError(byName).extensions).toMatchObject({ code: 'CONFLICT', allergyId: allergy.drugAllergyId, severity: 'LIFE_THREATENING' });
    expect(firstError(byName).message).toMatch(/penicillin/);
    expect(firstError(byName).message).toMatch(/LIFE_THREATENING/);
    const contained = await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id, medicationName: 'Penicillin V potassium 250 mg' } }, tokens.PHYSICIAN);
    expect(firstError(contained).extensions).toMatchObject({ code: 'CONFLICT', allergyId: allergy.drugAllergyId });
    const byCode = await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id, medicationName: 'Bactrim DS', medicationCode: 'rx-10831' } }, tokens.PHYSICIAN);
    expect(firstError(byCode).extensions).toMatchObject({ code: 'CONFLICT', severity: 'MODERATE' });
    expect(firstError(byCode).message).toMatch(/Sulfamethoxazole/);
    const count = await countOf`select count(*)::int as count from prescriptions where patient_id = ${p.patientId}`;
    expect(count).toBe(0);

    // Unrelated medication: no conflict, and an override reason given anyway is not stored.
    const unrelated = await prescribe({ patientId: p.id, medicationName: 'Paracetamol 500 mg', allergyOverrideReason: 'n/a' });
    expect(unrelated.allergyOverrideReason).toBeNull();

    // A life-threatening allergy is a hard stop, reason or not (issue 20); a severe one can be overridden.
    const hardStop = await app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id, medicationName: 'Penicillin V', allergyOverrideReason: 'Desensitised under supervision' } }, tokens.PHYSICIAN);
    expect(firstError(hardStop).extensions).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP', allergyId: allergy.drugAllergyId });
    await app.admin`update drug_allergies set severity = 'SEVERE' where id = ${allergy.drugAllergyId}`;
    const overridden = await prescribe({ patientId: p.id, medicationName: 'Penicillin V', allergyOverrideReason: 'Desensitised under supervision' });
    expect(overridden).toMatchObject({ status: 'ACTIVE', allergyOverrideReason: 'Desensitised under supervision' });
    const audit = await auditRows(overridden.prescriptionId);
    expect(audit.map((a) => a.action).sort()).toEqual(['prescription.allergy_override', 'prescription.create']);
    for (const row of audit) expect(row).toMatchObject({ actor_user_id: org.users.PHYSICIAN.id, organization_id: org.id, entity_type: 'prescription' });
    const override = audit.find((a) => a.action === 'prescription.allergy_override')!;
    expect(override.changes.after).toMatchObject({
      reason: 'Desensitised under supervision',
      allergies: [{ id: allergy.drugAllergyId, allergen: 'penicillin', severity: 'SEVERE', basis: 'CLASS', classCodes: ['PENICILLINS'] }],
    });

    // Only ACTIVE allergies count.
    await app.admin`update drug_allergies set status = 'RESOLVED' where id = ${allergy.drugAllergyId}`;
    const afterResolved = await prescribe({ patientId: p.id, medicationName: 'Penicillin V' });
    expect(afterResolved.allergyOverrideReason).toBeNull();
  });

  it('checks allergies after locking the patient, so a concurrently recorded allergy cannot slip past', async () => {
    const p = await createPatient();
    const waiting = (n: number) => waitForLockWaits(app.admin, n);
    let allergyRes!: Promise<GraphQLResponse>;
    let rxRes!: Promise<GraphQLResponse>;
    await app.admin.begin(async (sql) => {
      await sql`select id from ehr_patients where id = ${p.patientId} for update`;
      allergyRes = app.gql(RECORD_ALLERGY, { i: { patientId: p.id, allergen: 'Amoxicillin', severity: 'SEVERE' } }, tokens.NURSE);
      await waiting(1);
      rxRes = app.gql(PRESCRIBE, { i: { ...RX, patientId: p.id } }, tokens.PHYSICIAN);
      await waiting(2);
    });
    expect((await allergyRes).errors).toBeUndefined();
    const rx = await rxRes;
    expect(firstError(rx).extensions).toMatchObject({ code: 'CONFLICT' });
    expect(firstError(rx).message).toMatch(/Amoxicillin/);
  });

  it('discontinues ACTIVE or ON_HOLD prescriptions only, checking version', async () => {
    const p = await createPatient();
    const rx = await prescribe({ patientId: p.id });
    const blank = await app.gql(DISCONTINUE, { i: { id: rx.id, version: 1, reason: ' ' } }, tokens.PHYSICIAN);
    expect(firstError(blank).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const stale = await app.gql(DISCONTINUE, { i: { id: rx.id, version: 4, reason: 'Rash' } }, tokens.PHYSICIAN);
    expect(firstError(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });

    const { value: discontinued, span: stopping } = await during(() => ok(DISCONTINUE, { i: { id: rx.id, version: 1, reason: 'Rash' } }, tokens.PHYSICIAN));
    const stopped = discontinued.discontinuePrescription.prescription;
    expect(stopped).toMatchObject({ status: 'DISCONTINUED', discontinuedReason: 'Rash', version: 2 });
    expectInSpan(stopped.discontinuedAt, stopping);
    const again = await app.gql(DISCONTINUE, { i: { id: rx.id, version: 2, reason: 'Again' } }, tokens.PHYSICIAN);
    expect(firstError(again).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', from: 'DISCONTINUED' });
    const audit = await auditRows(rx.prescriptionId);
    expect(audit.map((a) => a.action)).toEqual(['prescription.create', 'prescription.discontinue']);
    expect(audit[1]!.changes.before).toMatchObject({ status: 'ACTIVE', discontinuedReason: null });
    expect(audit[1]!.changes.after).toMatchObject({ status: 'DISCONTINUED', discontinuedReason: 'Rash' });

    const held = await prescribe({ patientId: p.id, medicationName: 'Metformin 500 mg' });
    await app.admin`update prescriptions set status = 'ON_HOLD' where id = ${held.prescriptionId}`;
    expect((await ok(DISCONTINUE, { i: { id: held.id, version: 1, reason: 'Stopped' } }, tokens.PHYSICIAN)).discontinuePrescription.prescription.status).toBe('DISCONTINUED');
    const done = await prescribe({ patientId: p.id, medicationName: 'Ibuprofen 200 mg' });
    await app.admin`update prescriptions set status = 'COMPLETED' where id = ${done.prescriptionId}`;
    const completed = await app.gql(DISCONTINUE, { i: { id: done.id, version: 1, reason: 'x' } }, tokens.PHYSICIAN);
    expect(firstError(completed).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('nested chart fields', () => {
  const CHART = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Patient { patientId
    allergies { allergen } problems { description } prescriptions { medicationName }
    active: problems(status: [ACTIVE]) { description } } } }`;

  it('loads allergies, problems and prescriptions of many patients in a constant number of statements', async () => {
    const patients = [];
    for (let i = 0; i < 3; i++) {
      const p = await createPatient(tokens.FRONT_DESK, `Batch${i}`);
      await recordAllergy({ patientId: p.id, allergen: `Allergen ${i}` });
      await addProblem({ patientId: p.id, description: `Problem ${i}` });
      await prescribe({ patientId: p.id, medicationName: `Medication ${i}` });
      patients.push(p);
    }
    const resolvedProblem = await addProblem({ patientId: patients[2]!.id, description: 'Old fracture' });
    await ok(RESOLVE_PROBLEM, { i: { id: resolvedProblem.problemId, version: 1 } }, tokens.PHYSICIAN);

    const statements = app.api.deps.db.statements;
    const before1 = statements.count;
    await ok(CHART, { ids: [patients[0]!.id] }, tokens.PHYSICIAN);
    const one = statements.count - before1;
    const before3 = statements.count;
    const res = await ok(CHART, { ids: patients.map((p) => p.id) }, tokens.PHYSICIAN);
    const three = statements.count - before3;
    expect(three).toBe(one);

    expect(res.nodes).toEqual(
      patients.map((p, i) => ({
        patientId: p.patientId,
        allergies: [{ allergen: `Allergen ${i}` }],
        problems: i === 2 ? [{ description: 'Problem 2' }, { description: 'Old fracture' }] : [{ description: `Problem ${i}` }],
        prescriptions: [{ medicationName: `Medication ${i}` }],
        active: [{ description: `Problem ${i}` }],
      })),
    );
  });

  it('lists an encounter\'s problems and prescriptions and reads chart records by node id', async () => {
    const p = await createPatient();
    const e = await createEncounter(p.id);
    const problem = await addProblem({ patientId: p.id, encounterId: e.id, description: 'Otitis media' });
    const rx = await prescribe({ patientId: p.id, encounterId: e.id });
    await addProblem({ patientId: p.id, description: 'Not in this encounter' });
    const enc = await ok(`query($id: ID!) { encounter(id: $id) { problems { problemId } prescriptions { prescriptionId encounter { encounterId } } } }`, { id: e.id }, tokens.ANALYST);
    expect(enc.encounter).toEqual({
      problems: [{ problemId: problem.problemId }],
      prescriptions: [{ prescriptionId: rx.prescriptionId, encounter: { encounterId: e.encounterId } }],
    });
    const node = await ok(`query($id: ID!) { node(id: $id) { __typename ... on Prescription { medicationName patient { patientId } } } }`, { id: rx.id }, tokens.ANALYST);
    expect(node.node).toEqual({ __typename: 'Prescription', medicationName: RX.medicationName, patient: { patientId: p.patientId } });
    const frontDesk = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: rx.id }, tokens.FRONT_DESK);
    expect(firstError(frontDesk).extensions.code).toBe('FORBIDDEN');
  });
});

describe('tenant isolation', () => {
  it('never shows another organization\'s chart and answers NOT_FOUND to mutations on its ids', async () => {
    const foreign = await createPatient(otherTokens.FRONT_DESK);
    const foreignAllergy = await recordAllergy({ patientId: foreign.id }, otherTokens.NURSE);
    const foreignProblem = await addProblem({ patientId: foreign.id }, otherTokens.PHYSICIAN);
    const foreignNote = await addNote({ patientId: foreign.id }, otherTokens.PHYSICIAN);
    const foreignSigned = await addNote({ patientId: foreign.id }, otherTokens.PHYSICIAN);
    await signNote(foreignSigned.id, 1, otherTokens.PHYSICIAN);
    const foreignRx = await prescribe({ patientId: foreign.id, medicationName: 'Metformin' }, otherTokens.PHYSICIAN);

    const mine = await createPatient();
    // Nothing of the other organization is readable, by node or nested.
    const nodes = await ok(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: [foreign.id, foreignAllergy.id, problemGlobalId(foreignProblem.problemId), foreignNote.id, foreignRx.id] },
      tokens.ORG_ADMIN,
    );
    expect(nodes.nodes).toEqual([null, null, null, null, null]);
    const nested = await ok(`query($id: ID!) { patient(id: $id) { allergies { allergen } problems { description } prescriptions { medicationName } clinicalNotes { totalCount } } }`, { id: mine.id }, tokens.ORG_ADMIN);
    expect(nested.patient).toEqual({ allergies: [], problems: [], prescriptions: [], clinicalNotes: { totalCount: 0 } });

    const attempts: [string, Record<string, unknown>][] = [
      [ADD_PROBLEM, { patientId: foreign.id, description: 'x' }],
      [RESOLVE_PROBLEM, { id: foreignProblem.problemId, version: 1 }],
      [ADD_NOTE, { patientId: foreign.id, noteType: 'PROGRESS', body: 'x' }],
      [ADD_NOTE, { patientId: mine.id, noteType: 'PROGRESS', body: 'x', amendsNoteId: foreignSigned.id }],
      [SIGN_NOTE, { id: foreignNote.id, version: 1 }],
      [RECORD_ALLERGY, { patientId: foreign.id, allergen: 'x' }],
      [PRESCRIBE, { ...RX, patientId: foreign.id }],
      [DISCONTINUE, { id: foreignRx.id, version: 1, reason: 'x' }],
    ];
    for (const [mutation, input] of attempts) {
      // A physician holds every permission these need (signing and prescribing are not ORG_ADMIN's, issue 20).
      const res = await app.gql(mutation, { i: input }, tokens.PHYSICIAN);
      expect(firstError(res).extensions.code, `${mutation.slice(9, 40)} ${JSON.stringify(input)}`).toBe('NOT_FOUND');
    }
    const [row] = await app.admin`select status, version from clinical_notes where id = ${foreignNote.clinicalNoteId}`;
    expect(row).toEqual({ status: 'DRAFT', version: 1 });
    const count = await countOf`
      select count(*)::int as count from audit_log where organization_id = ${org.id} and outcome = 'SUCCESS' and entity_id in
        (${foreignProblem.problemId}, ${foreignNote.clinicalNoteId}, ${foreignRx.prescriptionId})`;
    expect(count).toBe(0);
    // The attempts naming one of them by id (resolve, sign, discontinue) left refusal rows in the caller's organization.
    const refusals = await countOf`
      select count(*)::int as count from audit_log where organization_id = ${org.id} and outcome = 'NOT_FOUND' and entity_id in
        (${foreignProblem.problemId}, ${foreignNote.clinicalNoteId}, ${foreignRx.prescriptionId})`;
    expect(refusals).toBe(3);
  });
});

function problemGlobalId(uuid: string): string {
  return Buffer.from(`Problem:${uuid}`, 'utf8').toString('base64url');
}
