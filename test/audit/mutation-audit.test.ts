import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_AUDIT_ACTIONS } from '../../src/audit-actions.js';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { fromGlobalId, toGlobalId } from '../../src/kernel/global-id.js';
import { buildSchema } from '../../src/server.js';
import {
  ADD_LINE,
  billingHelpers,
  CREATE_INVOICE,
  CREATE_ITEM,
  DEACTIVATE_ITEM,
  ISSUE,
  PAY,
  REFUND,
  REMOVE_LINE,
  UPDATE_ITEM,
  VOID,
} from '../billing/billing-fixtures.js';
import { createOrganization, login, TEST_PASSWORD, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { uniqueEmail } from '../helpers/operations.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { inMinutes, zoneWithLocalHour } from '../scheduling/helpers.js';
import { CLAIM, COMPLETE, CREATE_DEFINITION, diagramOf, labMachine, labOrder, PUBLISH, RELEASE, START, TRANSITION } from '../workflows/support.js';

/**
 * The audit trail is structural: every field of the Mutation type must have a
 * case below that calls it successfully through the HTTP API, and the call must
 * leave an audit row carrying its request id. A new mutation without a case
 * fails this file; a mutation that forgets `audit()` fails its case.
 */
let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;
let billing: ReturnType<typeof billingHelpers>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'audited');
  other = await createOrganization(app.admin, 'elsewhere');
  // Early morning in the organization's zone, whatever the hour the suite runs at: the appointments checked in
  // below start a few hours ahead and must still fall on the organization's today.
  await app.admin`update organizations set timezone = ${zoneWithLocalHour(2)} where id = ${org.id}`;
  [tokens, otherTokens] = await Promise.all([tokensByRole(app, org), tokensByRole(app, other)]);
  billing = billingHelpers(app);
});
afterAll(() => app.close());

const MUTATION_FIELDS = Object.keys(buildSchema().getMutationType()!.getFields()).filter((f) => f !== '_noop');

// ---- arrangement (calls without the audited request id) ----

/** Runs a setup operation that must succeed as `role`; returns the root field's payload. */
async function setup(query: string, variables: Record<string, unknown>, role: Role = 'ORG_ADMIN', as = tokens): Promise<any> {
  const res = await app.gql(query, variables, as[role]);
  if (res.errors || !res.data) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data)[0];
}

const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
const code = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;

const CREATE_PATIENT = `mutation($i: CreatePatientInput!) { createPatient(input: $i) { patient { id version } } }`;
const UPDATE_PATIENT = `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { id version firstName } } }`;
const patient = async (as = tokens) =>
  (await setup(CREATE_PATIENT, { i: { firstName: 'Ada', lastName: unique('Audit'), dateOfBirth: '1970-01-01' } }, 'ORG_ADMIN', as)).patient as { id: string; version: number };

const CREATE_ENCOUNTER = `mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { encounter { id version } } }`;
const START_ENCOUNTER = `mutation($i: StartEncounterInput!) { startEncounter(input: $i) { encounter { id version } } }`;
// The acting ORG_ADMIN holds no clinical role: encounters name the physician as their provider.
const physician = () => toGlobalId('User', org.users.PHYSICIAN.id);
const encounter = async () => (await setup(CREATE_ENCOUNTER, { i: { patientId: (await patient()).id, encounterType: 'OUTPATIENT', providerId: physician() } })).encounter;

const ACQUIRED = `mutation($i: RecordImagingAcquiredInput!) { recordImagingAcquired(input: $i) { imagingOrder { id version } } }`;
const ORDER_LAB = `mutation($i: OrderLabTestInput!) { orderLabTest(input: $i) { labTest { id version } } }`;
const COLLECT = `mutation($i: CollectLabSpecimenInput!) { collectLabSpecimen(input: $i) { labTest { id version } } }`;
const LAB_RESULT = `mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labTest { id version } } }`;
const labTest = async () => (await setup(ORDER_LAB, { i: { patientId: (await patient()).id, testName: 'CBC' } })).labTest;
const collectedLabTest = async () => {
  const ordered = await labTest();
  return (await setup(COLLECT, { i: { id: ordered.id, version: ordered.version } })).labTest;
};
const labResult = (labTestId: string) => ({ labTestId, analyte: 'Sodium', resultValue: '140', resultNumeric: 140, referenceLow: 135, referenceHigh: 145 });

const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { user { id version } } }`;
const user = async (roles: Role[] = ['NURSE']) =>
  (await setup(CREATE_USER, { i: { email: uniqueEmail('staff'), password: TEST_PASSWORD, displayName: 'New staff', roles } })).user;

const CREATE_DEPARTMENT = `mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { department { id version } } }`;
const department = async () =>
  (await setup(CREATE_DEPARTMENT, { i: { name: unique('Clinic'), code: code('AUD'), departmentType: 'OUTPATIENT' } })).department as { id: string; version: number };

const BOOK = `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id version } } }`;
let slots = 0;
/** The next free 20-minute slot of the physician, starting within the next hours (so check-in is open). */
function slot() {
  const start = 10 + 25 * slots++;
  return { startsAt: inMinutes(start), endsAt: inMinutes(start + 20) };
}
const bookingInput = async (departmentId?: string) => ({
  patientId: (await patient()).id,
  providerId: toGlobalId('User', org.users.PHYSICIAN.id),
  departmentId: departmentId ?? (await department()).id,
  appointmentType: 'FOLLOW_UP',
  ...slot(),
});
const appointment = async () => (await setup(BOOK, { i: await bookingInput() }, 'FRONT_DESK')).appointment;

const WALK_IN = `mutation($i: EnqueueWalkInInput!) { enqueueWalkIn(input: $i) { queueEntry { id version } } }`;
const CALL_NEXT = `mutation($d: ID!) { callNextPatient(departmentId: $d) { queueEntry { id version status } } }`;
const START_CONSULTATION = `mutation($i: QueueEntryTransitionInput!) { startConsultation(input: $i) { queueEntry { id version } } }`;
/** A fresh department with one walk-in waiting; returns the department and the entry. */
async function queued() {
  const dept = await department();
  const entry = (await setup(WALK_IN, { i: { departmentId: dept.id, patientId: (await patient()).id } }, 'FRONT_DESK')).queueEntry;
  return { dept, entry };
}
async function called() {
  const { dept } = await queued();
  return (await setup(CALL_NEXT, { d: dept.id }, 'NURSE')).queueEntry;
}

const UPDATE_DEFINITION = `mutation($i: UpdateWorkflowDefinitionInput!) { updateWorkflowDefinition(input: $i) { definition { id version } } }`;
const definition = async () =>
  (await setup(CREATE_DEFINITION, { i: { name: unique('Lab order'), entityType: 'LAB_ORDER', stateMachine: labMachine({ collectGuards: [] }) } })).definition;
const publishedDefinition = async () => {
  const draft = await definition();
  return (await setup(PUBLISH, { i: { id: draft.id, version: draft.version, makeDefault: false } })).definition;
};
let labDefinition: Promise<{ id: string }> | undefined;
/** A workflow on a new lab order, with its entry task "Collect specimen" (NURSE). */
async function workflow() {
  labDefinition ??= publishedDefinition();
  const { labTestId } = await labOrder(app, org);
  const started = await setup(START, { i: { definitionId: (await labDefinition).id, entityType: 'LAB_ORDER', entityId: labTestId } });
  return { instance: started.instance, task: started.createdTasks[0] };
}
async function claimedTask() {
  const { task } = await workflow();
  await setup(CLAIM, { i: { taskId: task.id } }, 'NURSE');
  return task;
}

const SAVE_VISUAL = `mutation($i: SaveVisualWorkflowInput!) { saveVisualWorkflow(input: $i) { visualWorkflow { id version } } }`;
const visualWorkflow = async () => (await setup(SAVE_VISUAL, { i: { name: unique('Designed'), ...diagramOf(labMachine()) } })).visualWorkflow;

// ---- the cases: one per Mutation field ----

/** Who makes the audited call: a role of `org`, or nobody (sign-in) on behalf of the user the audit row must name. */
type Who = Role | { anonymous: string };
/** Makes the audited call (once per case) and returns its payload. */
type Call = (query: string, variables: Record<string, unknown>, who?: Who) => Promise<any>;

const CASES: Record<string, (call: Call) => Promise<unknown>> = {
  // billing
  createServiceCatalogItem: (call) =>
    call(CREATE_ITEM, { i: { code: code('SVC-'), name: 'Consultation', category: 'CONSULTATION', unitPrice: '50.00' } }, 'BILLING'),
  updateServiceCatalogItem: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    return call(UPDATE_ITEM, { i: { id: item.id, version: item.version, name: 'Renamed' } }, 'BILLING');
  },
  deactivateServiceCatalogItem: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    return call(DEACTIVATE_ITEM, { i: { id: item.id, version: item.version } }, 'BILLING');
  },
  createInvoice: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    return call(CREATE_INVOICE, { i: { patientId: await billing.createPatient(org), items: [{ serviceCatalogItemId: item.id }] } }, 'BILLING');
  },
  addInvoiceLineItem: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const draft = await billing.createInvoice(tokens.BILLING, await billing.createPatient(org), []);
    return call(ADD_LINE, { i: { invoiceId: draft.id, serviceCatalogItemId: item.id } }, 'BILLING');
  },
  removeInvoiceLineItem: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const draft = await billing.createInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    return call(REMOVE_LINE, { i: { lineItemId: draft.lineItems[0].id } }, 'BILLING');
  },
  issueInvoice: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const draft = await billing.createInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    return call(ISSUE, { i: { id: draft.id } }, 'BILLING');
  },
  voidInvoice: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const issued = await billing.issuedInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    return call(VOID, { i: { id: issued.id, reason: 'Raised in error' } }, 'BILLING');
  },
  adjustInvoice: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const issued = await billing.issuedInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    return call(
      `mutation($i: AdjustInvoiceInput!) { adjustInvoice(input: $i) { adjustment { adjustmentId } } }`,
      { i: { invoiceId: issued.id, kind: 'WRITE_OFF', amount: '10.00', reason: 'Small balance' } },
      'BILLING',
    );
  },
  recordPayment: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const issued = await billing.issuedInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    return call(PAY, { i: { invoiceId: issued.id, amount: '10.00', method: 'CASH' } }, 'BILLING');
  },
  refundPayment: async (call) => {
    const item = await billing.createItem(tokens.BILLING, {});
    const issued = await billing.issuedInvoice(tokens.BILLING, await billing.createPatient(org), [{ serviceCatalogItemId: item.id }]);
    const paid = await setup(PAY, { i: { invoiceId: issued.id, amount: '10.00', method: 'CASH' } }, 'BILLING');
    return call(REFUND, { i: { paymentId: paid.payment.id, amount: '5.00', reason: 'Overcharged' } }, 'BILLING');
  },

  // patients: chart, encounters, orders
  addProblem: async (call) =>
    call(`mutation($i: AddProblemInput!) { addProblem(input: $i) { problem { id } } }`, { i: { patientId: (await patient()).id, description: 'Asthma' } }),
  resolveProblem: async (call) => {
    const problem = (await setup(`mutation($i: AddProblemInput!) { addProblem(input: $i) { problem { id version } } }`, { i: { patientId: (await patient()).id, description: 'Asthma' } })).problem;
    return call(`mutation($i: ResolveProblemInput!) { resolveProblem(input: $i) { problem { id } } }`, { i: { id: problem.id, version: problem.version } });
  },
  addClinicalNote: async (call) =>
    call(`mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id } } }`, { i: { patientId: (await patient()).id, noteType: 'PROGRESS', body: 'Well.' } }),
  signClinicalNote: async (call) => {
    // Signing is the author's act (issue 20): a physician writes and signs.
    const note = (await setup(`mutation($i: AddClinicalNoteInput!) { addClinicalNote(input: $i) { clinicalNote { id version } } }`, { i: { patientId: (await patient()).id, noteType: 'PROGRESS', body: 'Well.' } }, 'PHYSICIAN')).clinicalNote;
    return call(`mutation($i: SignClinicalNoteInput!) { signClinicalNote(input: $i) { clinicalNote { id } } }`, { i: { id: note.id, version: note.version } }, 'PHYSICIAN');
  },
  recordDrugAllergy: async (call) =>
    call(`mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { __typename } }`, { i: { patientId: (await patient()).id, allergen: 'Latex' } }),
  prescribeMedication: async (call) =>
    call(`mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id } } }`, {
      i: { patientId: (await patient()).id, medicationName: 'Salbutamol', dosage: '100 mcg', route: 'INHALED', frequency: 'as needed' },
    }, 'PHYSICIAN'),
  discontinuePrescription: async (call) => {
    const prescription = (
      await setup(`mutation($i: PrescribeMedicationInput!) { prescribeMedication(input: $i) { prescription { id version } } }`, {
        i: { patientId: (await patient()).id, medicationName: 'Ibuprofen', dosage: '200 mg', route: 'ORAL', frequency: 'tid' },
      }, 'PHYSICIAN')
    ).prescription;
    return call(`mutation($i: DiscontinuePrescriptionInput!) { discontinuePrescription(input: $i) { prescription { id } } }`, {
      i: { id: prescription.id, version: prescription.version, reason: 'Course done' },
    }, 'PHYSICIAN');
  },
  createEncounter: async (call) => call(CREATE_ENCOUNTER, { i: { patientId: (await patient()).id, encounterType: 'OUTPATIENT', providerId: physician() } }),
  startEncounter: async (call) => {
    const e = await encounter();
    return call(START_ENCOUNTER, { i: { id: e.id, version: e.version } });
  },
  completeEncounter: async (call) => {
    const e = await encounter();
    const started = (await setup(START_ENCOUNTER, { i: { id: e.id, version: e.version } })).encounter;
    return call(`mutation($i: CompleteEncounterInput!) { completeEncounter(input: $i) { encounter { id } } }`, { i: { id: started.id, version: started.version } });
  },
  cancelEncounter: async (call) => {
    const e = await encounter();
    return call(`mutation($i: CancelEncounterInput!) { cancelEncounter(input: $i) { encounter { id } } }`, { i: { id: e.id, version: e.version, reason: 'Left' } });
  },
  recordVitalSigns: async (call) =>
    call(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { __typename } }`, { i: { patientId: (await patient()).id, heartRate: 70 } }),
  orderLabTest: async (call) => call(ORDER_LAB, { i: { patientId: (await patient()).id, testName: 'HbA1c' } }),
  collectLabSpecimen: async (call) => {
    const t = await labTest();
    return call(COLLECT, { i: { id: t.id, version: t.version } });
  },
  recordLabResult: async (call) => call(LAB_RESULT, { i: labResult((await collectedLabTest()).id) }),
  verifyLabTest: async (call) => {
    // Issue 20: verification needs FINAL results.
    const resulted = (await setup(LAB_RESULT, { i: { ...labResult((await collectedLabTest()).id), status: 'FINAL' } })).labTest;
    return call(`mutation($i: VerifyLabTestInput!) { verifyLabTest(input: $i) { labTest { id } } }`, { i: { id: resulted.id, version: resulted.version } }, 'PHYSICIAN');
  },
  correctLabResult: async (call) => {
    const final = (await setup(`mutation($i: RecordLabResultInput!) { recordLabResult(input: $i) { labResult { id version } } }`, {
      i: { ...labResult((await collectedLabTest()).id), status: 'FINAL' },
    })).labResult;
    return call(`mutation($i: CorrectLabResultInput!) { correctLabResult(input: $i) { labResult { id } } }`, {
      i: { id: final.id, version: final.version, reason: 'Haemolysed specimen', resultValue: '141', resultNumeric: 141 },
    });
  },
  setLabCriticalLimit: async (call) =>
    call(`mutation($i: SetLabCriticalLimitInput!) { setLabCriticalLimit(input: $i) { labCriticalLimit { version } } }`, {
      i: { analyteKey: 'MAGNESIUM', unit: 'mg/dL', criticalLow: 1.1, criticalHigh: 4.9 },
    }),
  clearLabCriticalLimit: async (call) => {
    const set = await setup(`mutation($i: SetLabCriticalLimitInput!) { setLabCriticalLimit(input: $i) { labCriticalLimit { version } } }`, {
      i: { analyteKey: 'PHOSPHATE', unit: 'mg/dL', criticalLow: 0.9 },
    });
    return call(`mutation($i: ClearLabCriticalLimitInput!) { clearLabCriticalLimit(input: $i) { labCriticalLimit { version } } }`, {
      i: { analyteKey: 'PHOSPHATE', unit: 'mg/dL', version: set.labCriticalLimit.version },
    });
  },
  markVitalSignsEnteredInError: async (call) => {
    const v = await setup(`mutation($i: RecordVitalSignsInput!) { recordVitalSigns(input: $i) { vitalSigns { id } } }`, {
      i: { patientId: (await patient()).id, heartRate: 70 },
    });
    return call(`mutation($i: MarkVitalSignsEnteredInErrorInput!) { markVitalSignsEnteredInError(input: $i) { vitalSigns { id } } }`, {
      i: { id: v.vitalSigns.id, reason: 'Wrong patient' },
    });
  },
  markAllergyEnteredInError: async (call) => {
    const a = await setup(`mutation($i: RecordDrugAllergyInput!) { recordDrugAllergy(input: $i) { drugAllergy { id version } } }`, {
      i: { patientId: (await patient()).id, allergen: 'Latex' },
    });
    return call(`mutation($i: MarkAllergyEnteredInErrorInput!) { markAllergyEnteredInError(input: $i) { drugAllergy { id } } }`, {
      i: { id: a.drugAllergy.id, version: a.drugAllergy.version, reason: 'Recorded on the wrong patient' },
    });
  },
  cancelLabTest: async (call) => {
    const t = await labTest();
    return call(`mutation($i: CancelLabTestInput!) { cancelLabTest(input: $i) { labTest { id } } }`, { i: { id: t.id, version: t.version, reason: 'Duplicate' } });
  },
  orderImaging: async (call) =>
    call(`mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { id } } }`, { i: { patientId: (await patient()).id, modality: 'XRAY', bodyPart: 'Chest' } }),
  reportImaging: async (call) => {
    const order = (
      await setup(`mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { id version } } }`, { i: { patientId: (await patient()).id, modality: 'CT', bodyPart: 'Head' } })
    ).imagingOrder;
    const acquired = (await setup(ACQUIRED, { i: { id: order.id, version: order.version } })).imagingOrder;
    return call(`mutation($i: ReportImagingInput!) { reportImaging(input: $i) { imagingOrder { id } } }`, {
      i: { id: acquired.id, version: acquired.version, findings: 'Clear', impression: 'Normal' },
    }, 'PHYSICIAN');
  },
  recordImagingAcquired: async (call) => {
    const order = (
      await setup(`mutation($i: OrderImagingInput!) { orderImaging(input: $i) { imagingOrder { id version } } }`, { i: { patientId: (await patient()).id, modality: 'XRAY', bodyPart: 'Hand' } })
    ).imagingOrder;
    return call(ACQUIRED, { i: { id: order.id, version: order.version } });
  },
  addDrugVocabularyEntry: (call) =>
    call(`mutation($i: AddDrugVocabularyEntryInput!) { addDrugVocabularyEntry(input: $i) { entry { drugVocabularyEntryId } } }`, {
      i: { name: unique('Localmox'), ingredients: ['amoxicillin'] },
    }),
  recordAnatomyFinding: async (call) => {
    const [system] = await setup(`{ bodySystems { id } }`, {});
    return call(`mutation($i: RecordAnatomyFindingInput!) { recordAnatomyFinding(input: $i) { __typename } }`, {
      i: { patientId: (await patient()).id, bodySystemId: system.id, finding: 'Wheeze' },
    });
  },
  createPatient: (call) => call(CREATE_PATIENT, { i: { firstName: 'Bo', lastName: unique('Audit'), dateOfBirth: '1980-01-01' } }),
  updatePatient: async (call) => {
    const p = await patient();
    return call(UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: 'Changed' } });
  },
  deactivatePatient: async (call) => {
    const p = await patient();
    return call(`mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { id } } }`, { i: { id: p.id, version: p.version } });
  },
  deletePatient: async (call) => {
    const p = await patient();
    return call(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: p.id, version: p.version } });
  },
  undoPatientDeath: async (call) => {
    const p = await patient();
    const dead = (
      await setup(`mutation($i: DeactivatePatientInput!) { deactivatePatient(input: $i) { patient { id version } } }`, {
        i: { id: p.id, version: p.version, status: 'DECEASED', deceasedAt: new Date(Date.now() - 3_600_000).toISOString() },
      })
    ).patient;
    return call(`mutation($i: UndoPatientDeathInput!) { undoPatientDeath(input: $i) { patient { id } } }`, {
      i: { id: dead.id, version: dead.version, reason: 'Recorded on the wrong patient' },
    });
  },
  restorePatient: async (call) => {
    const p = await patient();
    await setup(`mutation($i: DeletePatientInput!) { deletePatient(input: $i) { deletedPatientId } }`, { i: { id: p.id, version: p.version } });
    return call(`mutation($i: RestorePatientInput!) { restorePatient(input: $i) { patient { id } } }`, { i: { id: p.id } });
  },

  // identity: sign-in (anonymous, audited as the signed-in user) and administration
  login: (call) =>
    call(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: org.users.NURSE.email, password: TEST_PASSWORD } }, { anonymous: org.users.NURSE.id }),
  refreshSession: async (call) => {
    const session = await login(app, org.users.NURSE.email);
    return call(`mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { accessToken } }`, { i: { refreshToken: session.refreshToken } }, { anonymous: org.users.NURSE.id });
  },
  logout: async (call) => {
    const session = await login(app, org.users.NURSE.email);
    return call(`mutation($i: LogoutInput!) { logout(input: $i) { revoked } }`, { i: { refreshToken: session.refreshToken } }, { anonymous: org.users.NURSE.id });
  },
  createUser: (call) => call(CREATE_USER, { i: { email: uniqueEmail('staff'), password: TEST_PASSWORD, displayName: 'New staff', roles: ['NURSE'] } }),
  updateUser: async (call) => {
    const u = await user();
    return call(`mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { id } } }`, { i: { id: u.id, version: u.version, displayName: 'Renamed' } });
  },
  deactivateUser: async (call) => call(`mutation($id: ID!) { deactivateUser(id: $id) { user { id } } }`, { id: (await user()).id }),
  assignRole: async (call) => call(`mutation($i: UserRoleInput!) { assignRole(input: $i) { user { id } } }`, { i: { userId: (await user()).id, role: 'BILLING' } }),
  revokeRole: async (call) =>
    call(`mutation($i: UserRoleInput!) { revokeRole(input: $i) { user { id } } }`, { i: { userId: (await user(['NURSE', 'FRONT_DESK'])).id, role: 'FRONT_DESK' } }),

  // scheduling
  createDepartment: (call) => call(CREATE_DEPARTMENT, { i: { name: unique('Clinic'), code: code('AUD'), departmentType: 'OUTPATIENT' } }),
  updateDepartment: async (call) => {
    const d = await department();
    return call(`mutation($i: UpdateDepartmentInput!) { updateDepartment(input: $i) { department { id } } }`, { i: { id: d.id, version: d.version, name: unique('Renamed') } });
  },
  bookAppointment: async (call) => call(BOOK, { i: await bookingInput() }, 'FRONT_DESK'),
  rescheduleAppointment: async (call) => {
    const a = await appointment();
    return call(`mutation($i: RescheduleAppointmentInput!) { rescheduleAppointment(input: $i) { appointment { id } } }`, { i: { id: a.id, version: a.version, ...slot() } }, 'FRONT_DESK');
  },
  cancelAppointment: async (call) => {
    const a = await appointment();
    return call(`mutation($i: CancelAppointmentInput!) { cancelAppointment(input: $i) { appointment { id } } }`, { i: { id: a.id, version: a.version, reason: 'Unwell' } }, 'FRONT_DESK');
  },
  markNoShow: async (call) => {
    // An appointment whose start has passed (arranged in SQL: the API refuses to book the past).
    const [past] = await app.admin<{ id: string }[]>`
      insert into appointments (organization_id, patient_id, provider_id, scheduled_datetime, scheduled_end_datetime, appointment_type)
      values (${org.id}, ${await billing.createPatient(org)}, ${org.users.PHYSICIAN.id}, now() - interval '2 hours', now() - interval '90 minutes', 'FOLLOW_UP')
      returning id`;
    return call(`mutation($i: MarkNoShowInput!) { markNoShow(input: $i) { appointment { id } } }`, { i: { id: toGlobalId('Appointment', past!.id), version: 1 } }, 'FRONT_DESK');
  },
  checkInAppointment: async (call) => {
    const a = await appointment();
    return call(`mutation($i: CheckInAppointmentInput!) { checkInAppointment(input: $i) { queueEntry { id } } }`, { i: { id: a.id, version: a.version } }, 'FRONT_DESK');
  },
  enqueueWalkIn: async (call) => call(WALK_IN, { i: { departmentId: (await department()).id, patientId: (await patient()).id } }, 'FRONT_DESK'),
  callNextPatient: async (call) => {
    const { dept } = await queued();
    return call(CALL_NEXT, { d: dept.id }, 'NURSE');
  },
  startConsultation: async (call) => call(START_CONSULTATION, { i: { id: (await called()).id } }, 'NURSE'),
  completeQueueEntry: async (call) => {
    const entry = (await setup(START_CONSULTATION, { i: { id: (await called()).id } }, 'NURSE')).queueEntry;
    return call(`mutation($i: QueueEntryTransitionInput!) { completeQueueEntry(input: $i) { queueEntry { id } } }`, { i: { id: entry.id } }, 'NURSE');
  },
  markLeft: async (call) => {
    const { entry } = await queued();
    return call(`mutation($i: QueueEntryTransitionInput!) { markLeft(input: $i) { queueEntry { id } } }`, { i: { id: entry.id } }, 'NURSE');
  },

  // workflows
  createWorkflowDefinition: (call) => call(CREATE_DEFINITION, { i: { name: unique('Lab order'), entityType: 'LAB_ORDER', stateMachine: labMachine() } }),
  updateWorkflowDefinition: async (call) => {
    const d = await definition();
    return call(UPDATE_DEFINITION, { i: { id: d.id, version: d.version, description: 'Reworded' } });
  },
  createWorkflowDefinitionVersion: async (call) =>
    call(`mutation($i: CreateWorkflowDefinitionVersionInput!) { createWorkflowDefinitionVersion(input: $i) { definition { id } } }`, { i: { fromId: (await publishedDefinition()).id } }),
  publishWorkflowDefinition: async (call) => {
    const d = await definition();
    return call(PUBLISH, { i: { id: d.id, version: d.version } });
  },
  setDefaultWorkflowDefinition: async (call) => {
    const d = await publishedDefinition();
    return call(`mutation($i: WorkflowDefinitionVersionInput!) { setDefaultWorkflowDefinition(input: $i) { definition { id } } }`, { i: { id: d.id, version: d.version } });
  },
  deactivateWorkflowDefinition: async (call) => {
    const d = await publishedDefinition();
    return call(`mutation($i: WorkflowDefinitionVersionInput!) { deactivateWorkflowDefinition(input: $i) { definition { id } } }`, { i: { id: d.id, version: d.version } });
  },
  startWorkflow: async (call) => {
    const d = await publishedDefinition();
    const { labTestId } = await labOrder(app, org);
    return call(START, { i: { definitionId: d.id, entityType: 'LAB_ORDER', entityId: labTestId } });
  },
  transitionWorkflow: async (call) => call(TRANSITION, { i: { instanceId: (await workflow()).instance.id, event: 'COLLECT' } }, 'NURSE'),
  cancelWorkflow: async (call) =>
    call(`mutation($i: CancelWorkflowInput!) { cancelWorkflow(input: $i) { instance { id } } }`, { i: { instanceId: (await workflow()).instance.id, reason: 'Duplicate' } }),
  claimTask: async (call) => call(CLAIM, { i: { taskId: (await workflow()).task.id } }, 'NURSE'),
  releaseTask: async (call) => call(RELEASE, { i: { taskId: (await claimedTask()).id } }, 'NURSE'),
  completeTask: async (call) => call(COMPLETE, { i: { taskId: (await claimedTask()).id, formData: {} } }, 'NURSE'),
  reassignTask: async (call) =>
    call(`mutation($i: ReassignTaskInput!) { reassignTask(input: $i) { task { id } } }`, {
      i: { taskId: (await claimedTask()).id, assigneeId: toGlobalId('User', org.users.PHYSICIAN.id), reason: 'Nurse off sick' },
    }),
  updateWorkflowConfig: async (call) => {
    const { version } = await setup(`{ workflowConfig { version } }`, {});
    return call(`mutation($i: UpdateWorkflowConfigInput!) { updateWorkflowConfig(input: $i) { config { version } } }`, { i: { version, defaultTaskDueHours: 2 } });
  },
  saveVisualWorkflow: (call) => call(SAVE_VISUAL, { i: { name: unique('Designed'), ...diagramOf(labMachine()) } }),
  updateVisualWorkflow: async (call) => {
    const v = await visualWorkflow();
    return call(`mutation($i: UpdateVisualWorkflowInput!) { updateVisualWorkflow(input: $i) { visualWorkflow { id } } }`, { i: { id: v.id, version: v.version, description: 'Tidied' } });
  },
  compileVisualWorkflow: async (call) => {
    const v = await visualWorkflow();
    return call(`mutation($i: CompileVisualWorkflowInput!) { compileVisualWorkflow(input: $i) { definition { id } } }`, {
      i: { id: v.id, entityType: 'LAB_ORDER', definitionKey: code('designed-').toLowerCase() },
    });
  },
};

interface AuditRow {
  action: string;
  entityType: string | null;
  entityId: string | null;
  organizationId: string;
  actorUserId: string | null;
  outcome: string;
}
const auditRows = (requestId: string) =>
  app.admin<AuditRow[]>`
    select action, entity_type as "entityType", entity_id as "entityId", organization_id as "organizationId",
           actor_user_id as "actorUserId", outcome
    from audit_log where request_id = ${requestId} order by occurred_at`;

const uuidOf = (globalId: string) => fromGlobalId(globalId)!.uuid;
const requestIdFor = (field: string) => `audit-${field}-${randomUUID().slice(0, 8)}`;

describe('every mutation writes an audit row', () => {
  it('the sweep knows every Mutation field, and only those', () => {
    expect(MUTATION_FIELDS.length).toBeGreaterThan(0);
    expect(Object.keys(CASES).filter((f) => !MUTATION_FIELDS.includes(f)), 'cases for fields the schema no longer has').toEqual([]);
  });

  it.each(MUTATION_FIELDS)('%s', async (field) => {
    const run = CASES[field];
    if (!run) {
      throw new Error(
        `Mutation.${field} has no case in test/audit/mutation-audit.test.ts. Add one to CASES that calls it successfully: ` +
          'the case proves the mutation writes its audit row (audit() inside ctx.session.write), so the audit trail cannot be forgotten.',
      );
    }
    const requestId = requestIdFor(field);
    let actor: string | undefined;
    await run(async (query, variables, who = 'ORG_ADMIN') => {
      expect(actor, 'a case makes exactly one audited call').toBeUndefined();
      const anonymous = typeof who === 'object';
      actor = anonymous ? who.anonymous : org.users[who].id;
      const res = await app.gql(query, variables, anonymous ? undefined : tokens[who], { 'x-request-id': requestId });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(Object.keys(res.data ?? {}), 'the case must call the field it is named after').toEqual([field]);
      return res.data![field];
    });
    expect(actor, 'the case made no audited call').toBeDefined();

    const rows = await auditRows(requestId);
    expect(rows.length, `Mutation.${field} succeeded but wrote no audit row: call audit({ action, entityType, entityId, … }) in its write transaction`).toBeGreaterThan(0);
    for (const row of rows) {
      expect(KNOWN_AUDIT_ACTIONS.has(row.action), `unknown audit action ${row.action}`).toBe(true);
      expect(row.entityType).toBeTruthy();
      expect(row).toMatchObject({ organizationId: org.id, actorUserId: actor, outcome: 'SUCCESS' });
    }
  });
});

// ---- refusals ----

/** Every table but the audit trail, so a refused call can be shown to change nothing else. */
async function fingerprint(): Promise<string> {
  const tables = await app.admin<{ tablename: string }[]>`
    select tablename from pg_tables where schemaname = 'public' and tablename not in ('audit_log', 'rate_limits')
      and not (select relispartition from pg_class where oid = format('%I', tablename)::regclass) order by 1`;
  // (rate_limits counts every request, refused or not: request limits, not records.)
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const [row] = await app.admin.unsafe(`select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${tablename} t`);
    parts.push(`${tablename}:${row!.n}:${row!.h}`);
  }
  return parts.join('\n');
}

const auditCount = async () => (await app.admin<{ n: number }[]>`select count(*)::int as n from audit_log`)[0]!.n;

/** Makes a call that must be refused with `code`; checks nothing but the audit trail changed, and returns its audit rows. */
async function refused(code: string, query: string, variables: Record<string, unknown>, token: string | undefined) {
  const requestId = requestIdFor('refused');
  const [before, auditBefore] = [await fingerprint(), await auditCount()];
  const res = await app.gql(query, variables, token, { 'x-request-id': requestId });
  expect(res.errors?.map((e) => e.extensions.code), JSON.stringify(res.errors)).toEqual([code]);
  expect(await fingerprint()).toBe(before);
  const rows = await auditRows(requestId);
  expect(await auditCount()).toBe(auditBefore + rows.length);
  return rows;
}

describe('refused mutation attempts are audited in a transaction of their own', () => {
  it('FORBIDDEN: a role without the permission leaves one refusal row naming the field and the record', async () => {
    const p = await patient();
    const rows = await refused('FORBIDDEN', UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: 'Nope' } }, tokens.ANALYST);
    expect(rows).toEqual([
      {
        action: 'mutation.refused',
        entityType: 'updatePatient',
        entityId: uuidOf(p.id),
        organizationId: org.id,
        actorUserId: org.users.ANALYST.id,
        outcome: 'FORBIDDEN',
      },
    ]);
  });

  it("NOT_FOUND: another organization's id leaves one refusal row in the caller's organization", async () => {
    const foreign = await patient(otherTokens);
    const rows = await refused('NOT_FOUND', UPDATE_PATIENT, { i: { id: foreign.id, version: foreign.version, firstName: 'Probe' } }, tokens.ORG_ADMIN);
    expect(rows).toEqual([
      {
        action: 'mutation.refused',
        entityType: 'updatePatient',
        entityId: uuidOf(foreign.id),
        organizationId: org.id,
        actorUserId: org.users.ORG_ADMIN.id,
        outcome: 'NOT_FOUND',
      },
    ]);
    // The other organization sees nothing of the probe.
    const probes = await app.admin`select 1 from audit_log where organization_id = ${other.id} and action = 'mutation.refused'`;
    expect(probes.length).toBe(0);
  });

  it('NOT_FOUND through an alias and a literal top-level id argument', async () => {
    const stranger = other.users.NURSE.id;
    const rows = await refused('NOT_FOUND', `mutation { probe: deactivateUser(id: "${stranger}") { user { id } } }`, {}, tokens.ORG_ADMIN);
    expect(rows).toMatchObject([{ action: 'mutation.refused', entityType: 'deactivateUser', entityId: stranger, outcome: 'NOT_FOUND' }]);
  });

  it('CONFLICT: a stale version and a duplicate each leave one refusal row', async () => {
    const p = await patient();
    await setup(UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: 'First' } });
    const stale = await refused('CONFLICT', UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: 'Second' } }, tokens.ORG_ADMIN);
    expect(stale).toMatchObject([{ action: 'mutation.refused', entityType: 'updatePatient', actorUserId: org.users.ORG_ADMIN.id, outcome: 'CONFLICT' }]);
    expect(stale[0]!.entityId).not.toBeNull();

    const name = unique('Lab order');
    await setup(CREATE_DEFINITION, { i: { name, entityType: 'LAB_ORDER', stateMachine: labMachine() } });
    const duplicate = await refused('CONFLICT', CREATE_DEFINITION, { i: { name, entityType: 'LAB_ORDER', stateMachine: labMachine() } }, tokens.ORG_ADMIN);
    expect(duplicate).toMatchObject([{ action: 'mutation.refused', entityType: 'createWorkflowDefinition', entityId: null, outcome: 'CONFLICT' }]);
  });

  it('other failures (bad input, anonymous callers) leave no refusal row', async () => {
    const p = await patient();
    expect(await refused('BAD_USER_INPUT', UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: '' } }, tokens.ORG_ADMIN)).toEqual([]);
    expect(await refused('UNAUTHENTICATED', UPDATE_PATIENT, { i: { id: p.id, version: p.version, firstName: 'Anon' } }, undefined)).toEqual([]);
  });

  it('a refusal row that cannot be written changes nothing in the response', async () => {
    const foreign = await patient(otherTokens);
    await app.admin`alter table audit_log add constraint reject_refusals check (action <> 'mutation.refused') not valid`;
    try {
      const rows = await refused('NOT_FOUND', UPDATE_PATIENT, { i: { id: foreign.id, version: foreign.version, firstName: 'Probe' } }, tokens.ORG_ADMIN);
      expect(rows).toEqual([]);
    } finally {
      await app.admin`alter table audit_log drop constraint reject_refusals`;
    }
  });
});
