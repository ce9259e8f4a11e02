import { getNamedType } from 'graphql';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createDepartment } from '../scheduling/helpers.js';
import { gid, labMachine, labOrder, ok, publishedDefinition, START } from '../workflows/support.js';
import type { TestOrganization } from './fixtures.js';
import { requiredArgs, type ArgumentSource } from './schema-paths.js';
import type { TestApp } from './test-app.js';

/** GraphQL Node type → uuid of its seeded record. */
export type Records = Record<string, string>;

/** The seeded patient's MRN. */
export const SEEDED_MRN = 'PHI-0001';

/**
 * One patient with a record of every patient-bearing type, every classified field filled, plus one record of
 * every other Node type (department, catalog item, workflow definition, …), all in `org`.
 */
export async function seedPatientRecords(app: TestApp, org: TestOrganization, tokens: Record<Role, string>): Promise<Records> {
  const records: Records = {};
  const lab = await labOrder(app, org);
  const physician = org.users.PHYSICIAN.id;
  const patient = lab.patientId;
  await app.admin`
    update ehr_patients set mrn = ${SEEDED_MRN}, first_name = 'Wanjiru', middle_name = 'Achieng', last_name = 'Kamau',
      preferred_name = 'Wanji', date_of_birth = '1970-05-17', sex_at_birth = 'FEMALE', gender_identity = 'Woman',
      phone = '+254700000001', email = 'wanjiru@example.test', address_line1 = '1 Riverside Drive', address_line2 = 'Flat 2',
      city = 'Nairobi', region = 'Nairobi County', postal_code = '00100', country = 'KE', preferred_language = 'sw',
      emergency_contact_name = 'Otieno Kamau', emergency_contact_phone = '+254700000002', emergency_contact_relationship = 'Spouse',
      insurance_provider = 'NHIF', insurance_policy_number = 'POL-123456'
    where id = ${patient}`;
  await app.admin`
    update encounters set reason = 'Fever for three days', chief_complaint = 'Headache and chills', notes = 'Remarks on the visit',
      discharge_disposition = 'Home with follow-up'
    where id = ${lab.encounterId}`;
  await app.admin`
    update lab_tests set specimen_type = 'Blood', clinical_indication = 'Suspected malaria', notes = 'Draw before antimalarials',
      cancellation_reason = 'Duplicate order'
    where id = ${lab.labTestId}`;
  records.Patient = patient;
  records.Encounter = lab.encounterId;
  records.LabTest = lab.labTestId;
  const one = async (q: Promise<{ id: string }[]>) => (await q)[0]!.id;
  records.LabResult = await one(app.admin`
    insert into lab_results (organization_id, lab_test_id, patient_id, analyte, analyte_code, result_value, result_unit, reference_range, notes)
    values (${org.id}, ${lab.labTestId}, ${patient}, 'Haemoglobin', 'HGB', '11.2', 'g/dL', '12-16', 'Slightly low') returning id`);
  records.VitalSigns = await one(app.admin`
    insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, temperature_c, weight_kg, height_cm, notes, abnormal_flags)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 38.2, 70.5, 172.0, 'Patient anxious, shivering', '{FEVER}') returning id`);
  // The seeded result corrects an earlier one, and the vital signs were entered in error (issue 20), so the
  // correction reason and the withdrawal reason are filled too.
  const earlier = await one(app.admin`
    insert into lab_results (organization_id, lab_test_id, patient_id, analyte, result_value, status)
    values (${org.id}, ${lab.labTestId}, ${patient}, 'Haemoglobin', '21.1', 'CORRECTED') returning id`);
  await app.admin`
    insert into lab_result_supersessions (organization_id, superseded_id, superseding_id, lab_test_id, kind, reason, recorded_by)
    values (${org.id}, ${earlier}, ${records.LabResult}, ${lab.labTestId}, 'CORRECTION', 'Transposed digits', ${physician})`;
  await app.admin`
    insert into vital_signs_entered_in_error (organization_id, vital_signs_id, reason, marked_by)
    values (${org.id}, ${records.VitalSigns}, 'Recorded on the wrong patient', ${physician})`;
  records.Problem = await one(app.admin`
    insert into problem_list (organization_id, patient_id, encounter_id, code, code_system, description, onset_date, resolved_date, notes, recorded_by)
    values (${org.id}, ${patient}, ${lab.encounterId}, 'B54', 'ICD-10', 'Malaria', '2026-01-02', '2026-01-20', 'Travel history', ${physician}) returning id`);
  records.ClinicalNote = await one(app.admin`
    insert into clinical_notes (organization_id, patient_id, encounter_id, author_id, note_type, title, body)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'PROGRESS', 'Day 2', 'Confidential narrative') returning id`);
  records.DrugAllergy = await one(app.admin`
    insert into drug_allergies (organization_id, patient_id, allergen, allergen_code, reaction, onset_date, notes, recorded_by)
    values (${org.id}, ${patient}, 'Penicillin', 'RX-7980', 'Hives on the arms', '2001-03-04', 'Reported by mother', ${physician}) returning id`);
  records.Prescription = await one(app.admin`
    insert into prescriptions (organization_id, patient_id, encounter_id, prescriber_id, medication_name, medication_code, dosage,
      dose_amount, dose_unit, route, frequency, quantity, instructions, start_date, end_date, discontinued_reason, allergy_override_reason)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'Artemether', 'RX-1', '80 mg', 80, 'mg', 'ORAL', 'BID', 6,
      'Take with food', '2026-01-02', '2026-01-05', 'Course changed', 'Benefit outweighs risk') returning id`);
  const [bodySystem] = await app.admin<{ id: string }[]>`select id from body_systems order by sort_order limit 1`;
  records.ImagingOrder = await one(app.admin`
    insert into imaging_orders (organization_id, patient_id, encounter_id, ordered_by, modality, body_part, clinical_indication,
      findings, impression, cancellation_reason, contrast, allergy_override_reason)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${physician}, 'XRAY', 'Chest', 'Cough', 'Clear lung fields', 'Normal',
      'Patient declined', true, 'Premedicated per protocol') returning id`);
  records.AnatomyFinding = await one(app.admin`
    insert into anatomy_findings (organization_id, patient_id, encounter_id, body_system_id, recorded_by, location, finding, notes)
    values (${org.id}, ${patient}, ${lab.encounterId}, ${bodySystem!.id}, ${physician}, 'Left forearm', 'Rash', 'Itchy since Monday')
    returning id`);
  records.Invoice = await one(app.admin`
    insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, encounter_id, currency, due_date, void_reason, notes)
    values (${org.id}, 'INV-PHI-1', 1, ${patient}, ${lab.encounterId}, 'KES', '2026-02-01', 'Billed twice', 'Patient will pay in cash')
    returning id`);
  records.InvoiceLineItem = await one(app.admin`
    insert into invoice_line_items (organization_id, invoice_id, description, unit_price)
    values (${org.id}, ${records.Invoice}, 'Malaria smear', 10) returning id`);
  records.InvoiceAdjustment = await one(app.admin`
    insert into invoice_adjustments (organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by)
    values (${org.id}, ${records.Invoice}, ${patient}, 'CREDIT_NOTE', 1, 'KES', 'Goodwill after the long wait', ${physician})
    returning id`);
  records.Payment = await one(app.admin`
    insert into payments (organization_id, invoice_id, patient_id, amount, currency, method, reference, idempotency_key, reason)
    values (${org.id}, ${records.Invoice}, ${patient}, 5, 'KES', 'CASH', 'RCPT-991', 'phi-sweep-key', 'Partial payment at discharge')
    returning id`);
  const department = await createDepartment(app, org.id, 'PHI');
  records.Appointment = await one(app.admin`
    insert into appointments (organization_id, patient_id, provider_id, department_id, scheduled_datetime, scheduled_end_datetime,
      appointment_type, reason, notes, cancellation_reason)
    values (${org.id}, ${patient}, ${physician}, ${department.uuid}, now() + interval '1 day', now() + interval '1 day 30 minutes',
      'FOLLOW_UP', 'Review malaria smear', 'Bring previous results', 'Rescheduled by phone') returning id`);
  records.OpdQueueEntry = await one(app.admin`
    insert into opd_queue (organization_id, department_id, queue_date, token_number, patient_id, appointment_id, notes)
    values (${org.id}, ${department.uuid}, current_date, 1, ${patient}, ${records.Appointment}, 'Needs wheelchair') returning id`);
  const definition = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() });
  const started = (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId, comment: 'Ordered for fever' } }, tokens.PHYSICIAN))
    .startWorkflow;
  const instance: string = started.instance.workflowInstanceId;
  const task: string = started.createdTasks[0].workflowTaskId;
  records.WorkflowInstance = instance;
  records.WorkflowTask = task;
  await app.admin`update workflow_tasks set form_data = ${app.admin.json({ specimenSite: 'left arm' })}, description = 'Collect before noon'
    where id = ${task}`;
  // The start transition has no from-state; a later one has every field.
  records.WorkflowTransition = await one(app.admin`
    insert into workflow_transitions (organization_id, instance_id, from_state, to_state, event, actor_id, comment)
    values (${org.id}, ${instance}, 'ORDERED', 'ORDERED', 'COMMENT', ${physician}, 'Patient fasting since 6am')
    returning id`);
  // Records that hold no patient data, so every root lookup has something to find.
  records.Organization = org.id;
  records.User = physician;
  records.Department = department.uuid;
  records.BodySystem = bodySystem!.id;
  records.WorkflowDefinition = definition.workflowDefinitionId;
  records.ServiceCatalogItem = await one(app.admin`
    insert into service_catalog (organization_id, code, name, category, unit_price)
    values (${org.id}, 'SVC-SWEEP', 'Malaria smear', 'LABORATORY', 10) returning id`);
  await app.admin`update invoice_line_items set service_catalog_item_id = ${records.ServiceCatalogItem} where id = ${records.InvoiceLineItem}`;
  records.VisualWorkflow = await one(app.admin`
    insert into visual_workflows (organization_id, name, definition_id)
    values (${org.id}, 'Lab order (designer)', ${definition.workflowDefinitionId}) returning id`);
  return records;
}

/**
 * Required arguments a sweep can satisfy from the seed: `id` of a seeded type, the seeded MRN, the seeded
 * department. Any other required argument makes the field unreachable (null).
 */
export function argumentsFrom(records: Records): ArgumentSource {
  return (_parent, field) => {
    const args: Record<string, unknown> = {};
    for (const arg of requiredArgs(field)) {
      const type = getNamedType(field.type).name;
      if (arg.name === 'id' && records[type]) args.id = gid(type, records[type]);
      else if (arg.name === 'mrn') args.mrn = SEEDED_MRN;
      else if (arg.name === 'departmentId' && records.Department) args.departmentId = gid('Department', records.Department);
      else return null;
    }
    return args;
  };
}
