/** Column lists of the COPY statements and the load order (foreign-key dependencies) of the seeder. */
import { TableBuffer } from './copy.js';

export const COLUMNS = {
  organizations: ['id', 'name', 'slug', 'timezone', 'active', 'created_at', 'updated_at'],
  users: [
    'organization_id', 'id', 'email', 'password_hash', 'display_name', 'given_name', 'family_name', 'title', 'phone',
    'specialty', 'license_number', 'active', 'password_changed_at', 'created_at', 'updated_at',
  ],
  user_roles: ['organization_id', 'id', 'user_id', 'role_code', 'granted_by', 'created_at'],
  refresh_tokens: [
    'organization_id', 'id', 'user_id', 'family_id', 'token_hash', 'issued_at', 'expires_at', 'used_at', 'revoked_at',
    'user_agent', 'ip', 'created_at', 'updated_at',
  ],
  departments: [
    'organization_id', 'id', 'name', 'code', 'description', 'department_type', 'location', 'phone', 'active',
    'created_at', 'updated_at',
  ],
  service_catalog: [
    'organization_id', 'id', 'code', 'name', 'description', 'category', 'department_id', 'unit_price', 'tax_rate',
    'currency', 'active', 'created_at', 'updated_at',
  ],
  workflow_definitions: [
    'organization_id', 'id', 'name', 'description', 'entity_type', 'definition_key', 'version_number', 'status',
    'is_active', 'is_default', 'state_machine', 'published_at', 'created_by', 'created_at', 'updated_at',
  ],
  workflow_config: [
    'organization_id', 'id', 'settings', 'default_task_due_hours', 'escalation_enabled', 'escalation_after_hours',
    'created_at', 'updated_at',
  ],
  visual_workflows: [
    'organization_id', 'id', 'definition_id', 'name', 'description', 'nodes', 'edges', 'layout', 'created_by',
    'created_at', 'updated_at',
  ],
  ehr_patients: [
    'organization_id', 'id', 'mrn', 'first_name', 'middle_name', 'last_name', 'preferred_name', 'date_of_birth',
    'sex_at_birth', 'gender_identity', 'phone', 'email', 'address_line1', 'address_line2', 'city', 'region',
    'postal_code', 'country', 'preferred_language', 'marital_status', 'blood_type', 'emergency_contact_name',
    'emergency_contact_phone', 'emergency_contact_relationship', 'insurance_provider', 'insurance_policy_number',
    'status', 'deceased_at', 'created_at', 'updated_at',
  ],
  encounters: [
    'organization_id', 'id', 'patient_id', 'provider_id', 'department_id', 'encounter_type', 'status', 'encounter_at',
    'reason', 'chief_complaint', 'notes', 'scheduled_at', 'started_at', 'ended_at', 'discharge_disposition',
    'created_at', 'updated_at',
  ],
  vital_signs: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'recorded_by', 'recorded_at', 'systolic_bp',
    'diastolic_bp', 'heart_rate', 'respiratory_rate', 'temperature_c', 'spo2', 'weight_kg', 'height_cm',
    'pain_score', 'notes', 'is_abnormal', 'abnormal_flags', 'created_at', 'updated_at',
  ],
  problem_list: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'code', 'code_system', 'description', 'status',
    'severity', 'onset_date', 'resolved_date', 'recorded_by', 'notes', 'created_at', 'updated_at',
  ],
  clinical_notes: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'author_id', 'note_type', 'title', 'body', 'status',
    'signed_at', 'signed_by', 'amends_note_id', 'created_at', 'updated_at',
  ],
  lab_tests: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'ordered_by', 'test_code', 'test_name', 'specimen_type',
    'priority', 'status', 'clinical_indication', 'notes', 'ordered_at', 'collected_at', 'resulted_at',
    'cancelled_at', 'cancellation_reason', 'created_at', 'updated_at',
  ],
  lab_results: [
    'organization_id', 'id', 'lab_test_id', 'patient_id', 'analyte', 'analyte_code', 'result_value',
    'result_numeric', 'result_unit', 'reference_range', 'reference_low', 'reference_high', 'abnormal_flag', 'status',
    'notes', 'resulted_at', 'resulted_by', 'created_at', 'updated_at',
  ],
  imaging_orders: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'ordered_by', 'modality', 'body_part', 'body_system_id',
    'laterality', 'contrast', 'priority', 'status', 'clinical_indication', 'findings', 'impression', 'ordered_at',
    'scheduled_at', 'completed_at', 'reported_at', 'reported_by', 'cancelled_at', 'cancellation_reason',
    'created_at', 'updated_at', 'allergy_override_reason',
  ],
  anatomy_findings: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'body_system_id', 'recorded_by', 'location', 'laterality',
    'finding', 'severity', 'notes', 'observed_at', 'created_at', 'updated_at',
  ],
  prescriptions: [
    'organization_id', 'id', 'patient_id', 'encounter_id', 'prescriber_id', 'medication_name', 'medication_code',
    'dosage', 'dose_amount', 'dose_unit', 'route', 'frequency', 'duration_days', 'quantity', 'refills',
    'instructions', 'status', 'start_date', 'end_date', 'discontinued_at', 'discontinued_reason', 'created_at',
    'updated_at',
  ],
  drug_allergies: [
    'organization_id', 'id', 'patient_id', 'allergen', 'allergen_code', 'reaction', 'severity', 'status',
    'onset_date', 'recorded_by', 'notes', 'created_at', 'updated_at',
  ],
  appointments: [
    'organization_id', 'id', 'patient_id', 'provider_id', 'department_id', 'scheduled_datetime',
    'scheduled_end_datetime', 'appointment_type', 'status', 'reason', 'notes', 'cancellation_reason', 'cancelled_at',
    'checked_in_at', 'created_at', 'updated_at',
  ],
  opd_queue: [
    'organization_id', 'id', 'department_id', 'queue_date', 'token_number', 'patient_id', 'appointment_id',
    'priority', 'status', 'enqueued_at', 'called_at', 'called_by', 'consultation_started_at', 'completed_at',
    'left_at', 'notes', 'created_at', 'updated_at',
  ],
  invoices: [
    'organization_id', 'id', 'invoice_number', 'invoice_seq', 'patient_id', 'encounter_id', 'status', 'currency',
    'subtotal', 'discount_total', 'tax_total', 'total', 'amount_paid', 'amount_refunded', 'balance_due', 'issued_at',
    'due_date', 'notes', 'created_by', 'created_at', 'updated_at',
  ],
  invoice_line_items: [
    'organization_id', 'id', 'invoice_id', 'service_catalog_item_id', 'description', 'quantity', 'unit_price',
    'discount', 'tax_rate', 'tax_amount', 'line_total', 'position', 'created_at', 'updated_at',
  ],
  payments: [
    'organization_id', 'id', 'invoice_id', 'patient_id', 'amount', 'currency', 'method', 'kind', 'reference',
    'received_at', 'received_by', 'status', 'created_at', 'updated_at',
  ],
  workflow_instances: [
    'organization_id', 'id', 'definition_id', 'entity_type', 'entity_id', 'patient_id', 'current_state', 'context', 'status',
    'started_by', 'started_at', 'completed_at', 'cancelled_at', 'created_at', 'updated_at',
  ],
  workflow_transitions: [
    'organization_id', 'id', 'instance_id', 'from_state', 'to_state', 'event', 'actor_id', 'comment', 'occurred_at',
    'created_at',
  ],
  workflow_tasks: [
    'organization_id', 'id', 'instance_id', 'transition_id', 'name', 'description', 'assigned_role',
    'assigned_user_id', 'claimed_by', 'priority', 'status', 'due_at', 'claimed_at', 'completed_at', 'completed_by',
    'form_data', 'created_at', 'updated_at',
  ],
  tenant_counters: ['organization_id', 'name', 'value', 'created_at', 'updated_at'],
} as const satisfies Record<string, readonly string[]>;

export type TableName = keyof typeof COLUMNS;

/**
 * Tables each table's rows reference (within one load batch). A table is
 * copied only after the COPY of every table it depends on has committed.
 */
export const DEPENDS_ON: Readonly<Record<TableName, readonly TableName[]>> = {
  organizations: [],
  users: ['organizations'],
  user_roles: ['users'],
  refresh_tokens: ['users'],
  departments: ['organizations'],
  service_catalog: ['departments'],
  workflow_definitions: ['users'],
  workflow_config: ['organizations'],
  visual_workflows: ['workflow_definitions'],
  ehr_patients: [],
  encounters: ['ehr_patients'],
  drug_allergies: ['ehr_patients'],
  appointments: ['ehr_patients'],
  vital_signs: ['encounters'],
  problem_list: ['encounters'],
  clinical_notes: ['encounters'],
  lab_tests: ['encounters'],
  imaging_orders: ['encounters'],
  anatomy_findings: ['encounters'],
  prescriptions: ['encounters'],
  invoices: ['encounters'],
  lab_results: ['lab_tests'],
  invoice_line_items: ['invoices'],
  payments: ['invoices'],
  // Its trigger reads the patient of the record it runs on (workflow_instances.patient_id).
  workflow_instances: ['encounters', 'lab_tests', 'imaging_orders', 'prescriptions', 'appointments'],
  workflow_transitions: ['workflow_instances'],
  workflow_tasks: ['workflow_transitions'],
  opd_queue: [],
  tenant_counters: [],
};

/** Every table the seeder writes, in a valid load order. */
export const TABLE_ORDER: readonly TableName[] = [
  'organizations', 'users', 'user_roles', 'refresh_tokens', 'departments', 'service_catalog', 'workflow_definitions',
  'workflow_config', 'visual_workflows', 'ehr_patients', 'encounters', 'drug_allergies', 'appointments',
  'vital_signs', 'problem_list', 'clinical_notes', 'lab_tests', 'imaging_orders', 'anatomy_findings',
  'prescriptions', 'invoices', 'lab_results', 'invoice_line_items', 'payments', 'workflow_instances',
  'workflow_transitions', 'workflow_tasks', 'opd_queue', 'tenant_counters',
];

/** The tables of patients and their records (the bulk of a load), after the organization-level ones. */
export const PATIENT_TABLES: readonly TableName[] = TABLE_ORDER.slice(TABLE_ORDER.indexOf('ehr_patients'));

export type Buffers = { [T in TableName]: TableBuffer };

export function createBuffers(): Buffers {
  const buffers = {} as Buffers;
  for (const table of TABLE_ORDER) buffers[table] = new TableBuffer(table, COLUMNS[table]);
  return buffers;
}
