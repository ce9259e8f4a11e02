import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js';
import { expectData } from '../helpers/expect-data.js';

/**
 * Issue 20, findings 1 and 2: the allergy check resolves medications, contrast media and allergens through the
 * drug vocabulary (ingredients, classes, cross-reactivity) instead of a lower-cased substring test.
 */

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let other: TestOrganization;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'allergy-safety');
  other = await createOrganization(app.admin, 'allergy-elsewhere');
  [tokens, otherTokens] = await Promise.all([tokensByRole(app, org), tokensByRole(app, other)]);
});
afterAll(() => app.close());

const PRESCRIBE = `mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { prescriptionId allergyOverrideReason } } }`;
const RECORD_ALLERGY = `mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { drugAllergyId } } }`;
const ORDER_IMAGING = `mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { imagingOrderId contrast allergyOverrideReason } } }`;
const RESOLVE = `query($n: String!) { resolveDrugName(name: $n) { name normalizedName match matchedNames ingredients allergyClasses vocabularyVersion } }`;
const ADD_ENTRY = `mutation($i: AddDrugVocabularyEntryInput!) { addDrugVocabularyEntry(input: $i) { entry { drugVocabularyEntryId name normalizedName ingredients allergyClasses } } }`;

async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  return expectData(app, query, variables, token);
}

function firstError(res: GraphQLResponse) {
  expect(res.errors, JSON.stringify(res.data)).toBeDefined();
  return res.errors![0]!;
}

async function patientWithAllergy(allergen: string, severity: string): Promise<{ id: string; patientId: string; allergyId: string }> {
  const data = await ok(
    `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id patientId } } }`,
    { i: { firstName: 'Amina', lastName: 'Allergic', dateOfBirth: '1980-05-05' } },
    tokens.FRONT_DESK,
  );
  const patient = data.createPatient.patient as { id: string; patientId: string };
  const allergy = await ok(RECORD_ALLERGY, { i: { patientId: patient.id, allergen, severity } }, tokens.NURSE);
  return { ...patient, allergyId: allergy.recordDrugAllergy.drugAllergy.drugAllergyId };
}

const rx = (patientId: string, medicationName: string, extra: Record<string, unknown> = {}) => ({
  i: { patientId, medicationName, dosage: '1 tablet', route: 'ORAL', frequency: 'twice daily', ...extra },
});

async function prescriptionCount(patientId: string): Promise<number> {
  const [row] = await app.admin<{ count: number }[]>`select count(*)::int as count from prescriptions where patient_id = ${patientId}`;
  return row!.count;
}

async function auditOf(entityId: string, action: string) {
  return app.admin<{ changes: any; actor_user_id: string }[]>`
    select changes, actor_user_id from audit_log where entity_id = ${entityId} and action = ${action}`;
}

describe('a life-threatening "  PENICILLIN " allergy', () => {
  it.each(['Amoxicillin', 'Augmentin', 'Piperacillin-tazobactam', 'Pen-Vee K', 'Penicilin V', 'amoxicillin 875 mg/125 mg tablet'])(
    'hard-stops %s, even with an override reason',
    async (medication) => {
      const p = await patientWithAllergy('  PENICILLIN ', 'LIFE_THREATENING');
      const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, medication), tokens.PHYSICIAN));
      expect(refused.extensions).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP', allergyId: p.allergyId, severity: 'LIFE_THREATENING' });
      expect(refused.extensions.matches).toEqual([expect.objectContaining({ basis: 'CLASS', classCodes: ['PENICILLINS'], uncertain: false })]);
      expect(refused.message).toMatch(/cannot be overridden/);
      const overridden = firstError(await app.gql(PRESCRIBE, rx(p.id, medication, { allergyOverrideReason: 'Really needed' }), tokens.PHYSICIAN));
      expect(overridden.extensions).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP' });
      expect(await prescriptionCount(p.patientId)).toBe(0);
    },
  );

  it('says how a misspelt medication was read', async () => {
    const p = await patientWithAllergy('  PENICILLIN ', 'LIFE_THREATENING');
    const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Penicilin V'), tokens.PHYSICIAN));
    expect(refused.message).toMatch(/read as "penicillin v"/);
  });

  it('warns on cefalexin (cephalosporin cross-reactivity): a physician overrides with a reason, audited with the classes', async () => {
    const p = await patientWithAllergy('  PENICILLIN ', 'LIFE_THREATENING');
    const warned = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Cefalexin 500 mg capsule'), tokens.PHYSICIAN));
    expect(warned.extensions).toMatchObject({ code: 'CONFLICT', decision: 'OVERRIDE_WITH_REASON' });
    expect(warned.extensions.matches).toEqual([
      expect.objectContaining({ basis: 'CROSS_REACTIVITY', classCodes: ['PENICILLINS', 'CEPHALOSPORINS'] }),
    ]);
    expect(warned.message).toMatch(/cross-reactive/);
    const rxOk = await ok(PRESCRIBE, rx(p.id, 'Cefalexin 500 mg capsule', { allergyOverrideReason: 'Tolerated cefalexin in 2024' }), tokens.PHYSICIAN);
    const prescription = rxOk.prescribeMedication.prescription;
    expect(prescription.allergyOverrideReason).toBe('Tolerated cefalexin in 2024');
    const [audit] = await auditOf(prescription.prescriptionId, 'prescription.allergy_override');
    expect(audit!.actor_user_id).toBe(org.users.PHYSICIAN.id);
    expect(audit!.changes.after).toMatchObject({
      reason: 'Tolerated cefalexin in 2024',
      product: { normalized: 'cefalexin', ingredients: ['cephalexin'], classCodes: ['CEPHALOSPORINS'] },
      allergies: [{ id: p.allergyId, basis: 'CROSS_REACTIVITY', classCodes: ['PENICILLINS', 'CEPHALOSPORINS'], uncertain: false }],
    });
  });

  it('lets unrelated medication through', async () => {
    const p = await patientWithAllergy('  PENICILLIN ', 'LIFE_THREATENING');
    const data = await ok(PRESCRIBE, rx(p.id, 'Paracetamol 500 mg', { allergyOverrideReason: 'n/a' }), tokens.PHYSICIAN);
    expect(data.prescribeMedication.prescription.allergyOverrideReason).toBeNull();
  });
});

describe('strengths, dose forms and spacing do not hide an allergy', () => {
  it('an allergy to "Ciprofloxacin 500 mg tablet" blocks "Ciprofloxacin 250 mg tablet" and other fluoroquinolones', async () => {
    const p = await patientWithAllergy('Ciprofloxacin 500 mg tablet', 'MODERATE');
    const same = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Ciprofloxacin 250 mg tablet'), tokens.PHYSICIAN));
    expect(same.extensions).toMatchObject({ code: 'CONFLICT', decision: 'OVERRIDE_WITH_REASON' });
    expect(same.extensions.matches).toEqual([expect.objectContaining({ basis: 'INGREDIENT', ingredients: ['ciprofloxacin'] })]);
    const levofloxacin = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Levaquin 750 mg'), tokens.PHYSICIAN));
    expect(levofloxacin.extensions.matches).toEqual([expect.objectContaining({ basis: 'CLASS', classCodes: ['FLUOROQUINOLONES'] })]);
  });

  it('"Co  trimoxazole" (two spaces) blocks "Co trimoxazole 960 mg" and Bactrim DS', async () => {
    const p = await patientWithAllergy('Co  trimoxazole', 'LIFE_THREATENING');
    for (const medication of ['Co trimoxazole 960 mg', 'Bactrim DS', 'sulfamethoxazole-trimethoprim 800/160 mg']) {
      const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, medication), tokens.PHYSICIAN));
      expect(refused.extensions, medication).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP' });
    }
  });
});

describe('an allergen the vocabulary does not know', () => {
  it('is matched by its normalized text and the prescriber is told the match is uncertain', async () => {
    const p = await patientWithAllergy('Zorbaxil', 'LIFE_THREATENING');
    const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, 'ZORBAXIL 10 mg tablets'), tokens.PHYSICIAN));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', decision: 'OVERRIDE_WITH_REASON', uncertain: true });
    expect(refused.extensions.matches).toEqual([expect.objectContaining({ basis: 'TEXT', uncertain: true })]);
    expect(refused.message).toMatch(/uncertain match/);
    await ok(PRESCRIBE, rx(p.id, 'Ibuprofen 400 mg'), tokens.PHYSICIAN);
  });
});

describe('who may prescribe and override', () => {
  it('ORG_ADMIN cannot prescribe; NURSE cannot either', async () => {
    const p = await patientWithAllergy('Latex', 'MILD');
    for (const role of ['ORG_ADMIN', 'NURSE'] as const) {
      const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Ibuprofen 400 mg'), tokens[role]));
      expect(refused.extensions.code, role).toBe('FORBIDDEN');
    }
  });
});

describe('contrast imaging (finding 2)', () => {
  const ct = (patientId: string, extra: Record<string, unknown> = {}) => ({
    i: { patientId, modality: 'CT', bodyPart: 'Abdomen', contrast: true, ...extra },
  });

  it('a CT with contrast is refused for an "Iodinated contrast" allergy; a physician may override with a reason', async () => {
    const p = await patientWithAllergy('Iodinated contrast', 'SEVERE');
    const refused = firstError(await app.gql(ORDER_IMAGING, ct(p.id), tokens.PHYSICIAN));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', decision: 'OVERRIDE_WITH_REASON', allergyId: p.allergyId });
    expect(refused.extensions.matches).toEqual([expect.objectContaining({ basis: 'CLASS', classCodes: ['IODINATED_CONTRAST'] })]);
    const nurse = firstError(await app.gql(ORDER_IMAGING, ct(p.id, { allergyOverrideReason: 'Premedicated' }), tokens.NURSE));
    expect(nurse.extensions.code).toBe('FORBIDDEN');

    const plain = await ok(ORDER_IMAGING, ct(p.id, { contrast: false }), tokens.NURSE);
    expect(plain.orderImaging.imagingOrder).toMatchObject({ contrast: false, allergyOverrideReason: null });
    const mri = await ok(ORDER_IMAGING, ct(p.id, { modality: 'MRI' }), tokens.NURSE);
    expect(mri.orderImaging.imagingOrder.allergyOverrideReason).toBeNull();

    const overridden = await ok(ORDER_IMAGING, ct(p.id, { allergyOverrideReason: 'Steroid premedication per protocol' }), tokens.PHYSICIAN);
    const order = overridden.orderImaging.imagingOrder;
    expect(order.allergyOverrideReason).toBe('Steroid premedication per protocol');
    const [audit] = await auditOf(order.imagingOrderId, 'imaging_order.allergy_override');
    expect(audit!.changes.after).toMatchObject({
      reason: 'Steroid premedication per protocol',
      allergies: [{ id: p.allergyId, basis: 'CLASS', classCodes: ['IODINATED_CONTRAST'] }],
    });
  });

  it('a brand of contrast (Omnipaque) recorded as the allergen counts, and life-threatening stops the CT', async () => {
    const p = await patientWithAllergy('Omnipaque 350', 'LIFE_THREATENING');
    const refused = firstError(await app.gql(ORDER_IMAGING, ct(p.id, { allergyOverrideReason: 'x' }), tokens.PHYSICIAN));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP' });
  });

  it('an MRI with contrast checks gadolinium allergies', async () => {
    const p = await patientWithAllergy('Gadolinium', 'MODERATE');
    const refused = firstError(await app.gql(ORDER_IMAGING, ct(p.id, { modality: 'MRI' }), tokens.PHYSICIAN));
    expect(refused.extensions.matches).toEqual([expect.objectContaining({ classCodes: ['GADOLINIUM_CONTRAST'] })]);
  });
});

describe('the vocabulary', () => {
  it('resolves brands, combinations and class names and names its version', async () => {
    const augmentin = (await ok(RESOLVE, { n: ' AUGMENTIN 625mg tabs ' }, tokens.NURSE)).resolveDrugName;
    expect(augmentin).toMatchObject({
      normalizedName: 'augmentin',
      match: 'EXACT',
      ingredients: ['amoxicillin', 'clavulanate'],
      allergyClasses: ['PENICILLINS'],
      vocabularyVersion: '2026.12',
    });
    const [row] = await app.admin<{ count: number }[]>`select count(*)::int as count from drug_ingredients`;
    expect(row!.count).toBeGreaterThanOrEqual(200);
  });

  it('normalizes names with one function (case, whitespace, punctuation, salts, strengths, dose forms)', async () => {
    const cases: [string, string][] = [
      ['  PENICILLIN ', 'penicillin'],
      ['Co  trimoxazole', 'co trimoxazole'],
      ['Co-trimoxazole 960 mg', 'co trimoxazole'],
      ['Ciprofloxacin 500 mg tablet', 'ciprofloxacin'],
      ['Piperacillin-tazobactam 4.5 g IV', 'piperacillin tazobactam'],
      ['Metoprolol succinate ER 50 mg', 'metoprolol'],
      ['Amlodipine besylate 5mg tabs', 'amlodipine'],
      ['Penicillin V potassium 250 mg', 'penicillin v'],
      ['Potassium chloride 20 mEq', 'potassium chloride'],
      ['Amoxicillin 875 mg/125 mg', 'amoxicillin'],
      ['Hydrocortisone 1% cream', 'hydrocortisone'],
      ['Oral solution', 'oral solution'],
    ];
    for (const [input, expected] of cases) {
      const [row] = await app.admin<{ n: string }[]>`select normalize_drug_name(${input}) as n`;
      expect(row!.n, input).toBe(expected);
    }
  });

  it('uses indexes for lookups', async () => {
    const indexes = await app.admin<{ indexname: string }[]>`
      select indexname from pg_indexes where tablename in ('drug_terms', 'organization_drug_terms') order by indexname`;
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining(['drug_terms_pkey', 'drug_terms_term_trgm_idx', 'organization_drug_terms_term_trgm_idx', 'organization_drug_terms_term_unique']),
    );
  });

  it('is read-only to the runtime role', async () => {
    await expect(
      app.admin.begin(async (sql) => {
        await sql`set local role health_app`;
        await sql`insert into drug_terms (display_name, kind) values ('Fakecillin', 'INGREDIENT')`;
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it('an organization adds a local brand (ORG_ADMIN, audited); the allergy check uses it, other organizations do not see it', async () => {
    const denied = firstError(await app.gql(ADD_ENTRY, { i: { name: 'Moxilocal', ingredients: ['Amoxicillin'] } }, tokens.PHYSICIAN));
    expect(denied.extensions.code).toBe('FORBIDDEN');
    const unknownClass = firstError(await app.gql(ADD_ENTRY, { i: { name: 'Moxilocal', allergyClasses: ['NOPE'] } }, tokens.ORG_ADMIN));
    expect(unknownClass.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'allergyClasses' });

    const added = (await ok(ADD_ENTRY, { i: { name: 'Moxilocal', ingredients: ['Amoxicillin trihydrate'] } }, tokens.ORG_ADMIN)).addDrugVocabularyEntry.entry;
    expect(added).toMatchObject({ name: 'Moxilocal', normalizedName: 'moxilocal', ingredients: ['amoxicillin'], allergyClasses: [] });
    const [audit] = await auditOf(added.drugVocabularyEntryId, 'drug_vocabulary.add');
    expect(audit!.actor_user_id).toBe(org.users.ORG_ADMIN.id);
    const again = firstError(await app.gql(ADD_ENTRY, { i: { name: 'MOXILOCAL', ingredients: ['amoxicillin'] } }, tokens.ORG_ADMIN));
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });

    const p = await patientWithAllergy('Penicillins', 'LIFE_THREATENING');
    const refused = firstError(await app.gql(PRESCRIBE, rx(p.id, 'Moxilocal 250 mg'), tokens.PHYSICIAN));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', decision: 'HARD_STOP' });

    const elsewhere = (await ok(RESOLVE, { n: 'Moxilocal' }, otherTokens.PHYSICIAN)).resolveDrugName;
    expect(elsewhere).toMatchObject({ match: 'NONE', ingredients: [] });
  });
});
