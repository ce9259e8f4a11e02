/**
 * The raw limit: a minimal node:http server answering each benchmark scenario
 * with ONE hand-written SQL statement that builds the complete GraphQL-shaped
 * JSON response inside PostgreSQL (json_build_object / json_agg), sent to the
 * client as the text PostgreSQL produced. Same response bytes as the API's
 * (global IDs, cursors, ISO timestamps, decimal strings), checked by the bench.
 *
 *   DATABASE_URL=… PORT=4300 BENCH_ORG_ID=… BENCH_USER_ID=… node --import tsx bench/peers/raw/server.ts
 *
 * POST /<scenario> with the scenario's GraphQL variables as the JSON body.
 * What it leaves out, by design (this is the floor, not a product): no GraphQL
 * parsing/validation, no token check, no transaction / role switch / RLS
 * settings (it connects as the benchmark superuser and filters by
 * organization_id explicitly). What it keeps: the PHI access-log row of every
 * read and the audit row of every write, in the same statement (data-modifying
 * CTEs), so the database work matches the API's. RAW_PHI_LOG=0 drops the PHI
 * log insert (to measure what it costs).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import postgres from 'postgres';
import { evaluateVitals } from '../../../src/patients/vital-signs-rules.js';

const env = process.env;
const ORG = env.BENCH_ORG_ID ?? '';
const USER = env.BENCH_USER_ID ?? '';
const BILLING_USER = env.BENCH_BILLING_USER_ID ?? USER;
const NURSE = env.BENCH_NURSE_ID ?? USER;
const PHI_LOG = env.RAW_PHI_LOG !== '0';
let statements = 0;

const sql = postgres(env.DATABASE_URL ?? '', {
  max: Number(env.POOL_MAX ?? 10),
  onnotice: () => {},
  connection: { application_name: 'bench-raw' },
  debug: () => {
    statements += 1;
  },
});

// ---- SQL fragments (text built once; every statement is prepared by postgres.js) ----

/** Global ID: base64url of `Type:uuid`, like src/kernel/global-id.ts. */
const gid = (type: string, col: string) => `translate(encode(convert_to('${type}:' || ${col}::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
/** A timestamptz as JavaScript's Date#toISOString renders it. */
const iso = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The API's patients cursor: base64url(JSON.stringify(["patients:NAME:ASC", last, first, id])). */
const patientCursor = (t: string) =>
  `translate(encode(convert_to('["patients:NAME:ASC",' || to_json(${t}.last_name)::text || ',' || to_json(${t}.first_name)::text || ',' || to_json(${t}.id::text)::text || ']', 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const user = (col: string) =>
  `(select json_build_object('id', ${gid('User', 'u.id')}, 'displayName', u.display_name) from users u where u.organization_id = $1 and u.id = ${col})`;
const phiLog = (operation: string, from: string) =>
  PHI_LOG
    ? `, phi as (insert into phi_access_log (organization_id, user_id, request_id, patient_ids, operation_name)
         select $1, $2, $3, array_agg(id), '${operation}' from ${from} having count(*) > 0)`
    : `, phi as (select $2::uuid as user_id, $3::text as request_id)`; // unused; keeps $2/$3 typed

const listFields = (t: string) => `'id', ${gid('Patient', `${t}.id`)}, 'mrn', ${t}.mrn, 'firstName', ${t}.first_name,
  'lastName', ${t}.last_name, 'dateOfBirth', ${t}.date_of_birth, 'sexAtBirth', ${t}.sex_at_birth, 'phone', ${t}.phone,
  'status', ${t}.status`;

/** The connection JSON of a name-ordered page: `page` holds limit+1 rows, `$4` is the page size. */
const patientConnection = (nodeFields: (t: string) => string, withCursor: boolean, extra = '') => `json_build_object(${extra}
  'edges', coalesce((select json_agg(json_build_object(${withCursor ? `'cursor', ${patientCursor('s')}, ` : ''}'node', json_build_object(${nodeFields('s')}))
                       order by s.last_name, s.first_name, s.id) from shown s), '[]'),
  'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > $4,
                                'endCursor', (select ${patientCursor('s')} from shown s order by s.last_name desc, s.first_name desc, s.id desc limit 1)))`;

const pageCtes = (where: string) => `page as (
    select p.* from ehr_patients p
    where p.organization_id = $1 and p.deleted_at is null ${where}
    order by p.last_name, p.first_name, p.id limit $4 + 1),
  shown as (select * from page order by last_name, first_name, id limit $4)`;

// $1 org, $2 user, $3 request id, $4 page size, $5 encounters per patient
const MOBILE_SUMMARY = `
  with ${pageCtes('')}${phiLog('MobileSummary', 'shown')}
  select json_build_object('data', json_build_object('patients', ${patientConnection(
    (t) => `'id', ${gid('Patient', `${t}.id`)}, 'mrn', ${t}.mrn, 'firstName', ${t}.first_name, 'lastName', ${t}.last_name,
    'dateOfBirth', ${t}.date_of_birth, 'sexAtBirth', ${t}.sex_at_birth, 'phone', ${t}.phone, 'bloodType', ${t}.blood_type,
    'summary', json_build_object(
      'encounterCount', (select count(*)::int from encounters e where e.organization_id = $1 and e.patient_id = ${t}.id and e.deleted_at is null),
      'lastEncounterAt', (select ${iso('max(e.encounter_at)')} from encounters e where e.organization_id = $1 and e.patient_id = ${t}.id and e.deleted_at is null),
      'activeProblemCount', (select count(*)::int from problem_list pl where pl.organization_id = $1 and pl.patient_id = ${t}.id and pl.status = 'ACTIVE' and pl.deleted_at is null)),
    'allergies', coalesce((select json_agg(json_build_object('id', ${gid('DrugAllergy', 'a.id')}, 'allergen', a.allergen, 'severity', a.severity, 'reaction', a.reaction) order by a.created_at, a.id)
                           from drug_allergies a where a.organization_id = $1 and a.patient_id = ${t}.id and a.deleted_at is null and a.status = 'ACTIVE'), '[]'),
    'problems', coalesce((select json_agg(json_build_object('id', ${gid('Problem', 'pl.id')}, 'code', pl.code, 'description', pl.description, 'severity', pl.severity, 'onsetDate', pl.onset_date) order by pl.created_at, pl.id)
                          from problem_list pl where pl.organization_id = $1 and pl.patient_id = ${t}.id and pl.deleted_at is null and pl.status = 'ACTIVE'), '[]'),
    'prescriptions', coalesce((select json_agg(json_build_object('id', ${gid('Prescription', 'rx.id')}, 'medicationName', rx.medication_name, 'dosage', rx.dosage, 'route', rx.route, 'frequency', rx.frequency,
                                'prescriber', ${user('rx.prescriber_id')}) order by rx.start_date desc, rx.created_at desc, rx.id desc)
                               from prescriptions rx where rx.organization_id = $1 and rx.patient_id = ${t}.id and rx.deleted_at is null and rx.status = 'ACTIVE'), '[]'),
    'balance', (select coalesce(sum(i.balance_due), 0)::numeric(14,2)::text from invoices i
                where i.organization_id = $1 and i.patient_id = ${t}.id and i.status in ('ISSUED', 'PARTIALLY_PAID') and i.deleted_at is null),
    'invoices', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Invoice', 'i.id')}, 'invoiceNumber', i.invoice_number, 'status', i.status, 'total', i.total::text,
        'balanceDue', i.balance_due::text, 'dueDate', i.due_date,
        'payments', coalesce((select json_agg(json_build_object('id', ${gid('Payment', 'pm.id')}, 'amount', pm.amount::text, 'method', pm.method,
                               'receivedAt', ${iso('pm.received_at')}) order by pm.received_at, pm.id)
                              from payments pm where pm.organization_id = $1 and pm.invoice_id = i.id and pm.deleted_at is null), '[]')))
        order by i.invoice_seq desc)
      from (select * from invoices i where i.organization_id = $1 and i.patient_id = ${t}.id and i.deleted_at is null
            and i.status in ('ISSUED', 'PARTIALLY_PAID') order by i.invoice_seq desc limit 10) i), '[]')),
    'encounters', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Encounter', 'e.id')}, 'encounterAt', ${iso('e.encounter_at')}, 'encounterType', e.encounter_type, 'status', e.status,
        'provider', ${user('e.provider_id')},
        'vitalSigns', coalesce((select json_agg(json_build_object('id', ${gid('VitalSigns', 'v.id')}, 'recordedAt', ${iso('v.recorded_at')},
                                 'systolicBp', v.systolic_bp, 'diastolicBp', v.diastolic_bp, 'heartRate', v.heart_rate, 'temperatureC', v.temperature_c::text,
                                 'spo2', v.spo2, 'isAbnormal', v.is_abnormal) order by v.recorded_at, v.id)
                                from vital_signs v where v.organization_id = $1 and v.encounter_id = e.id and v.deleted_at is null), '[]')))
        order by e.encounter_at desc, e.id desc)
      from (select * from encounters e where e.organization_id = $1 and e.patient_id = ${t}.id and e.deleted_at is null
            order by e.encounter_at desc, e.id desc limit $5) e), '[]'))`,
    false,
  )}))::text as body`;

// $1 org, $2 user, $3 request id, $4 page size, $5 tsquery (search only)
const listStatement = (search: boolean) => {
  const where = search ? 'and p.search_vector @@ $5::tsquery' : '';
  return `
  with ${pageCtes(where)}${phiLog('PatientList', 'shown')}
  select json_build_object('data', json_build_object('patients', ${patientConnection(
    listFields,
    true,
    `'totalCount', (select count(*)::int from ehr_patients p where p.organization_id = $1 and p.deleted_at is null ${where}),`,
  )}))::text as body`;
};

// $1 org, $2 user, $3 request id, $4 page size, $5..$7 keyset position (last name, first name, id) or nulls
const PAGE = `
  with ${pageCtes('and ($7::uuid is null or (p.last_name, p.first_name, p.id) > ($5::text, $6::text, $7::uuid))')}${phiLog('PatientPage', 'shown')}
  select json_build_object('data', json_build_object('patients', ${patientConnection(listFields, true)}))::text as body`;

// $1 org, $2 user, $3 request id, $4 patient id
const CHART = `
  with pt as (select * from ehr_patients p where p.organization_id = $1 and p.id = $4 and p.deleted_at is null)${phiLog('PatientChart', 'pt')}
  select json_build_object('data', json_build_object('patient', (select json_build_object(
    'id', ${gid('Patient', 't.id')}, 'mrn', t.mrn, 'firstName', t.first_name, 'middleName', t.middle_name, 'lastName', t.last_name,
    'preferredName', t.preferred_name, 'dateOfBirth', t.date_of_birth, 'sexAtBirth', t.sex_at_birth, 'phone', t.phone,
    'email', t.email, 'bloodType', t.blood_type, 'status', t.status,
    'address', json_build_object('line1', t.address_line1, 'city', t.city, 'region', t.region, 'postalCode', t.postal_code, 'country', t.country),
    'summary', json_build_object(
      'encounterCount', (select count(*)::int from encounters e where e.organization_id = $1 and e.patient_id = t.id and e.deleted_at is null),
      'lastEncounterAt', (select ${iso('max(e.encounter_at)')} from encounters e where e.organization_id = $1 and e.patient_id = t.id and e.deleted_at is null),
      'activeProblemCount', (select count(*)::int from problem_list pl where pl.organization_id = $1 and pl.patient_id = t.id and pl.status = 'ACTIVE' and pl.deleted_at is null)),
    'allergies', coalesce((select json_agg(json_build_object('id', ${gid('DrugAllergy', 'a.id')}, 'allergen', a.allergen, 'severity', a.severity, 'reaction', a.reaction, 'status', a.status) order by a.created_at, a.id)
                           from drug_allergies a where a.organization_id = $1 and a.patient_id = t.id and a.deleted_at is null), '[]'),
    'problems', coalesce((select json_agg(json_build_object('id', ${gid('Problem', 'pl.id')}, 'code', pl.code, 'description', pl.description, 'status', pl.status, 'severity', pl.severity, 'onsetDate', pl.onset_date) order by pl.created_at, pl.id)
                          from problem_list pl where pl.organization_id = $1 and pl.patient_id = t.id and pl.deleted_at is null), '[]'),
    'prescriptions', coalesce((select json_agg(json_build_object('id', ${gid('Prescription', 'rx.id')}, 'medicationName', rx.medication_name, 'dosage', rx.dosage, 'route', rx.route,
                                 'frequency', rx.frequency, 'status', rx.status, 'startDate', rx.start_date, 'prescriber', ${user('rx.prescriber_id')})
                               order by rx.start_date desc, rx.created_at desc, rx.id desc)
                               from prescriptions rx where rx.organization_id = $1 and rx.patient_id = t.id and rx.deleted_at is null), '[]'),
    'encounters', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Encounter', 'e.id')}, 'encounterAt', ${iso('e.encounter_at')}, 'encounterType', e.encounter_type, 'status', e.status, 'reason', e.reason,
        'provider', ${user('e.provider_id')},
        'vitalSigns', coalesce((select json_agg(json_build_object('id', ${gid('VitalSigns', 'v.id')}, 'recordedAt', ${iso('v.recorded_at')},
                                 'systolicBp', v.systolic_bp, 'diastolicBp', v.diastolic_bp, 'heartRate', v.heart_rate, 'temperatureC', v.temperature_c::text,
                                 'spo2', v.spo2, 'isAbnormal', v.is_abnormal) order by v.recorded_at, v.id)
                                from vital_signs v where v.organization_id = $1 and v.encounter_id = e.id and v.deleted_at is null), '[]')))
        order by e.encounter_at desc, e.id desc)
      from (select * from encounters e where e.organization_id = $1 and e.patient_id = t.id and e.deleted_at is null
            order by e.encounter_at desc, e.id desc limit 20) e), '[]')),
    'clinicalNotes', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', ${gid('ClinicalNote', 'n.id')}, 'noteType', n.note_type, 'title', n.title, 'status', n.status, 'createdAt', ${iso('n.created_at')},
        'author', ${user('n.author_id')})) order by n.created_at desc, n.id desc)
      from (select * from clinical_notes n where n.organization_id = $1 and n.patient_id = t.id and n.deleted_at is null
            order by n.created_at desc, n.id desc limit 10) n), '[]')),
    'labTests', coalesce((select json_agg(json_build_object('id', ${gid('LabTest', 'lt.id')}, 'testName', lt.test_name, 'status', lt.status, 'orderedAt', ${iso('lt.ordered_at')},
        'results', coalesce((select json_agg(json_build_object('id', ${gid('LabResult', 'r.id')}, 'analyte', r.analyte, 'resultValue', r.result_value,
                              'resultUnit', r.result_unit, 'isAbnormal', r.abnormal_flag is not null and r.abnormal_flag <> 'NORMAL') order by r.resulted_at, r.id)
                             from lab_results r where r.organization_id = $1 and r.lab_test_id = lt.id and r.deleted_at is null), '[]'))
        order by lt.ordered_at desc, lt.id desc)
      from lab_tests lt where lt.organization_id = $1 and lt.patient_id = t.id and lt.deleted_at is null), '[]'),
    'invoices', json_build_object('edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Invoice', 'i.id')}, 'invoiceNumber', i.invoice_number, 'status', i.status, 'total', i.total::text, 'balanceDue', i.balance_due::text,
        'payments', coalesce((select json_agg(json_build_object('id', ${gid('Payment', 'pm.id')}, 'amount', pm.amount::text, 'method', pm.method,
                               'receivedAt', ${iso('pm.received_at')}) order by pm.received_at, pm.id)
                              from payments pm where pm.organization_id = $1 and pm.invoice_id = i.id and pm.deleted_at is null), '[]')))
        order by i.invoice_seq desc)
      from (select * from invoices i where i.organization_id = $1 and i.patient_id = t.id and i.deleted_at is null
            order by i.invoice_seq desc limit 10) i), '[]'))
  ) from pt t)))::text as body`;

// $1 org, $2 user, $3 request id, $4 patient, $5 encounter type, $6 reason
const CREATE_ENCOUNTER = `
  with pat as (select id from ehr_patients where organization_id = $1 and id = $4 and deleted_at is null for update),
  ins as (insert into encounters (organization_id, patient_id, provider_id, encounter_type, status, encounter_at, reason)
          select $1, pat.id, $2, $5, 'PLANNED', now(), $6 from pat returning *),
  aud as (insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes, request_id)
          select $1, $2, 'encounter.create', 'encounter', ins.id, jsonb_build_object('before', null, 'after', to_jsonb(ins)), $3 from ins)
  select json_build_object('data', json_build_object('createEncounter', json_build_object('encounter', json_build_object(
    'id', ${gid('Encounter', 'ins.id')}, 'status', ins.status, 'encounterAt', ${iso('ins.encounter_at')}))))::text as body
  from ins`;

// $1 org, $2 user, $3 request id, $4 patient, $5 encounter, $6 systolic, $7 diastolic, $8 heart rate, $9 temperature, $10 spo2, $11 flags
const RECORD_VITALS = `
  with pat as (select id from ehr_patients where organization_id = $1 and id = $4 and deleted_at is null for update),
  ins as (insert into vital_signs (organization_id, patient_id, encounter_id, recorded_by, recorded_at, systolic_bp, diastolic_bp,
                                   heart_rate, temperature_c, spo2, is_abnormal, abnormal_flags)
          select $1, pat.id, $5, $2, now(), $6, $7, $8, $9::numeric, $10, cardinality($11::text[]) > 0, $11::text[] from pat returning *),
  aud as (insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes, request_id)
          select $1, $2, 'vital_signs.record', 'vital_signs', ins.id, jsonb_build_object('before', null, 'after', to_jsonb(ins)), $3 from ins)
  select json_build_object('data', json_build_object('recordVitalSigns', json_build_object('vitalSigns', json_build_object(
    'id', ${gid('VitalSigns', 'ins.id')}, 'recordedAt', ${iso('ins.recorded_at')}, 'isAbnormal', ins.is_abnormal, 'abnormalFlags', to_json(ins.abnormal_flags)))))::text as body
  from ins`;

// $1 org, $2 user, $3 request id, $4 invoice, $5 amount, $6 method
const RECORD_PAYMENT = `
  with inv as (select * from invoices where organization_id = $1 and id = $4 and deleted_at is null
               and status in ('ISSUED', 'PARTIALLY_PAID') and balance_due >= $5::numeric for update),
  pay as (insert into payments (organization_id, invoice_id, patient_id, amount, currency, method, kind, received_by)
          select $1, inv.id, inv.patient_id, $5::numeric, inv.currency, $6, 'PAYMENT', $2 from inv returning *),
  upd as (update invoices i set amount_paid = i.amount_paid + pay.amount, balance_due = i.balance_due - pay.amount,
                 status = case when i.balance_due - pay.amount = 0 then 'PAID' else 'PARTIALLY_PAID' end, version = i.version + 1
          from pay where i.organization_id = $1 and i.id = pay.invoice_id returning i.*),
  aud as (insert into audit_log (organization_id, actor_user_id, action, entity_type, entity_id, changes, request_id)
          select $1, $2, 'payment.record', 'payment', pay.id, jsonb_build_object('before', null, 'after', to_jsonb(pay)), $3 from pay)
  select json_build_object('data', json_build_object('recordPayment', json_build_object(
    'payment', json_build_object('id', ${gid('Payment', 'pay.id')}, 'amount', pay.amount::text, 'method', pay.method),
    'invoice', json_build_object('id', ${gid('Invoice', 'upd.id')}, 'status', upd.status, 'balanceDue', upd.balance_due::text))))::text as body
  from pay, upd`;

/** A keyset page of a CTE `matching`: `page` holds limit+1 rows in `order`, `shown` the page ($4 = page size). */
const keysetPage = (order: string) => `page as (select * from matching order by ${order} limit $4 + 1),
  shown as (select * from page order by ${order} limit $4)`;
/** The GraphQL connection of `shown` (alias `x`), no cursors: totalCount, edges, hasNextPage. */
const connection = (root: string, node: string, order: string) => `json_build_object('data', json_build_object('${root}', json_build_object(
  'totalCount', (select count(*)::int from matching),
  'edges', coalesce((select json_agg(json_build_object('node', ${node}) order by ${order}) from shown x), '[]'),
  'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > $4))))::text as body`;
const patientOf = (col: string, fields: string) =>
  `(select json_build_object('id', ${gid('Patient', 'p.id')}, ${fields}) from ehr_patients p where p.organization_id = $1 and p.id = ${col})`;

// $1 org, $2 user, $3 request id, $4 page size, $5 department, $6 from, $7 to
const APPOINTMENT_DAY = `
  with matching as (select * from appointments a where a.organization_id = $1 and a.deleted_at is null and a.department_id = $5
                    and a.scheduled_datetime >= $6::timestamptz and a.scheduled_datetime < $7::timestamptz),
  ${keysetPage('scheduled_datetime, id')}${phiLog('AppointmentDay', '(select patient_id as id from shown) s')}
  select ${connection('appointments', `json_build_object('id', ${gid('Appointment', 'x.id')}, 'startsAt', ${iso('x.scheduled_datetime')},
      'endsAt', ${iso('x.scheduled_end_datetime')}, 'appointmentType', x.appointment_type, 'status', x.status, 'reason', x.reason,
      'checkedInAt', ${iso('x.checked_in_at')},
      'patient', ${patientOf('x.patient_id', `'mrn', p.mrn, 'firstName', p.first_name, 'lastName', p.last_name, 'dateOfBirth', p.date_of_birth, 'phone', p.phone`)},
      'provider', ${user('x.provider_id')},
      'department', (select json_build_object('id', ${gid('Department', 'd.id')}, 'name', d.name, 'code', d.code)
                     from departments d where d.organization_id = $1 and d.id = x.department_id))`, 'x.scheduled_datetime, x.id')}`;

// $1 org, $2 user, $3 request id, $4 page size, $5 statuses
const INVOICE_LIST = `
  with matching as (select * from invoices i where i.organization_id = $1 and i.deleted_at is null and i.status = any($5::text[])),
  ${keysetPage('invoice_seq desc')}${phiLog('InvoiceList', '(select patient_id as id from shown) s')}
  select ${connection('invoices', `json_build_object('id', ${gid('Invoice', 'x.id')}, 'invoiceNumber', x.invoice_number, 'status', x.status,
      'total', x.total::text, 'balanceDue', x.balance_due::text, 'issuedAt', ${iso('x.issued_at')}, 'dueDate', x.due_date,
      'patient', ${patientOf('x.patient_id', `'mrn', p.mrn, 'firstName', p.first_name, 'lastName', p.last_name`)},
      'lineItems', coalesce((select json_agg(json_build_object('id', ${gid('InvoiceLineItem', 'l.id')}, 'description', l.description,
                               'quantity', l.quantity::text, 'unitPrice', l.unit_price::text, 'lineTotal', l.line_total::text, 'position', l.position)
                             order by l.position, l.id)
                             from invoice_line_items l where l.organization_id = $1 and l.invoice_id = x.id), '[]'),
      'payments', coalesce((select json_agg(json_build_object('id', ${gid('Payment', 'pm.id')}, 'amount', pm.amount::text, 'method', pm.method,
                              'receivedAt', ${iso('pm.received_at')}) order by pm.received_at, pm.id)
                            from (select * from payments pm where pm.organization_id = $1 and pm.invoice_id = x.id and pm.deleted_at is null
                                  order by pm.received_at, pm.id limit 100) pm), '[]'))`, 'x.invoice_seq desc')}`;

// $1 org, $2 user (the nurse), $3 request id, $4 page size, $5 the user's roles
const TASK_INBOX = `
  with matching as (select * from workflow_tasks t where t.organization_id = $1 and t.status in ('OPEN', 'CLAIMED')
                    and (t.assigned_user_id = $2 or t.claimed_by = $2 or (t.assigned_user_id is null and t.assigned_role = any($5::text[])))),
  ${keysetPage('created_at, id')}${phiLog('TaskInbox', `(select wi.patient_id as id from shown t
      join workflow_instances wi on wi.organization_id = $1 and wi.id = t.instance_id) s`)}
  select ${connection('myTasks', `json_build_object('id', ${gid('WorkflowTask', 'x.id')}, 'name', x.name, 'description', x.description,
      'priority', x.priority, 'status', x.status, 'assignedRole', x.assigned_role, 'dueAt', ${iso('x.due_at')}, 'createdAt', ${iso('x.created_at')},
      'claimedBy', ${user('x.claimed_by')},
      'instance', (select json_build_object('id', ${gid('WorkflowInstance', 'wi.id')}, 'currentState', wi.current_state, 'status', wi.status,
                     'entityType', wi.entity_type, 'entityId', wi.entity_id, 'context', wi.context || jsonb_build_object('patientId', wi.patient_id),
                     'definition', (select json_build_object('id', ${gid('WorkflowDefinition', 'd.id')}, 'name', d.name, 'versionNumber', d.version_number)
                                    from workflow_definitions d where d.organization_id = $1 and d.id = wi.definition_id))
                   from workflow_instances wi where wi.organization_id = $1 and wi.id = x.instance_id))`, 'x.created_at, x.id')}`;

// $1 org, $2 user, $3 request id, $4 page size, $5 department, $6 day. Position and wait as in opdQueueStandingsByIds (10 min default).
const OPD_QUEUE = `
  with matching as (
    select q.*, case q.status when 'IN_CONSULTATION' then 0 when 'CALLED' then 1 when 'WAITING' then 2 when 'DONE' then 3 else 4 end as stage,
           row_number() over (partition by q.status = 'WAITING' order by q.priority_rank, q.token_number) as rank,
           count(*) filter (where q.status in ('CALLED', 'IN_CONSULTATION')) over () as in_service,
           avg(extract(epoch from q.completed_at - q.consultation_started_at) / 60)
             filter (where q.status = 'DONE' and q.completed_at is not null and q.consultation_started_at is not null) over () as average_minutes
    from opd_queue q where q.organization_id = $1 and q.department_id = $5 and q.queue_date = $6::date),
  ${keysetPage('stage, priority_rank, token_number')}${phiLog('OpdQueue', '(select patient_id as id from shown) s')}
  select ${connection('opdQueue', `json_build_object('id', ${gid('OpdQueueEntry', 'x.id')}, 'tokenNumber', x.token_number, 'priority', x.priority,
      'status', x.status, 'position', case when x.status = 'WAITING' then x.rank::int end,
      'estimatedWaitMinutes', case when x.status = 'WAITING'
                                   then ((x.rank - 1 + x.in_service) * greatest(1, round(coalesce(x.average_minutes, 10))))::int end,
      'enqueuedAt', ${iso('x.enqueued_at')}, 'calledAt', ${iso('x.called_at')},
      'patient', ${patientOf('x.patient_id', `'mrn', p.mrn, 'firstName', p.first_name, 'lastName', p.last_name, 'dateOfBirth', p.date_of_birth, 'sexAtBirth', p.sex_at_birth`)},
      'calledBy', ${user('x.called_by')},
      'department', (select json_build_object('id', ${gid('Department', 'd.id')}, 'name', d.name) from departments d
                     where d.organization_id = $1 and d.id = x.department_id))`, 'x.stage, x.priority_rank, x.token_number')}`;

// ---- request handling ----

type Vars = Record<string, unknown>;
type Handler = (vars: Vars, requestId: string) => Promise<string | null>;

const uuidOf = (id: unknown): string => {
  const text = String(id ?? '');
  if (/^[0-9a-f-]{36}$/i.test(text)) return text;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
};

async function one(text: string, params: unknown[]): Promise<string | null> {
  const rows = await sql.unsafe<{ body: string }[]>(text, params as never[], { prepare: true });
  return rows[0]?.body ?? null;
}

function searchQuery(text: unknown): string | null {
  if (typeof text !== 'string' || !text) return null;
  const words = text.toLowerCase().split(/[^\p{L}\p{N}-]+/u).map((w) => w.replace(/^-+|-+$/g, '')).filter(Boolean).slice(0, 8);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}

const LIST = listStatement(false);
const SEARCH = listStatement(true);

const handlers: Record<string, Handler> = {
  'mobile-summary': (v, rid) => one(MOBILE_SUMMARY, [ORG, USER, rid, Number(v.first ?? 20), Number(v.encounters ?? 5)]),
  'patient-list': (v, rid) => {
    const search = searchQuery(v.search);
    return search
      ? one(SEARCH, [ORG, USER, rid, Number(v.first ?? 100), search])
      : one(LIST, [ORG, USER, rid, Number(v.first ?? 100)]);
  },
  'patient-page': (v, rid) => {
    // The API's cursors are encrypted: the bench sends the keyset position itself ([last name, first name, id]).
    const after = Array.isArray(v.afterKey) ? (v.afterKey as string[]) : [];
    const key = [after[0] ?? null, after[1] ?? null, after[2] ?? null];
    return one(PAGE, [ORG, USER, rid, Number(v.first ?? 20), ...key]);
  },
  'patient-chart': (v, rid) => one(CHART, [ORG, USER, rid, uuidOf(v.id)]),
  'appointment-day': (v, rid) =>
    one(APPOINTMENT_DAY, [ORG, USER, rid, Number(v.first ?? 20), uuidOf(v.departmentId), String(v.from), String(v.to)]),
  'invoice-list': (v, rid) => one(INVOICE_LIST, [ORG, BILLING_USER, rid, Number(v.first ?? 20), (v.status as string[] | null) ?? ['ISSUED', 'PARTIALLY_PAID']]),
  'task-inbox': (v, rid) => one(TASK_INBOX, [ORG, NURSE, rid, Number(v.first ?? 20), ['NURSE']]),
  'opd-queue': (v, rid) => one(OPD_QUEUE, [ORG, USER, rid, Number(v.first ?? 20), uuidOf(v.departmentId), String(v.date)]),
  'create-encounter': (v, rid) => {
    const input = v.input as Vars;
    return one(CREATE_ENCOUNTER, [ORG, USER, rid, uuidOf(input.patientId), input.encounterType, input.reason ?? null]);
  },
  'record-vital-signs': (v, rid) => {
    const input = v.input as Vars & { systolicBp?: number; diastolicBp?: number; heartRate?: number; temperatureC?: number; spo2?: number };
    const flags = evaluateVitals(input);
    return one(RECORD_VITALS, [
      ORG, USER, rid, uuidOf(input.patientId), input.encounterId ? uuidOf(input.encounterId) : null,
      input.systolicBp ?? null, input.diastolicBp ?? null, input.heartRate ?? null,
      input.temperatureC === undefined || input.temperatureC === null ? null : String(input.temperatureC), input.spo2 ?? null, flags,
    ]);
  },
  'record-payment': (v, rid) => {
    const input = v.input as Vars;
    return one(RECORD_PAYMENT, [ORG, BILLING_USER, rid, uuidOf(input.invoiceId), String(input.amount), input.method]);
  },
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  void (async () => {
    const path = (req.url ?? '/').split('?')[0]!.slice(1);
    if (path === 'metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`sql_statements_total ${statements}\n`);
      return;
    }
    if (path === 'healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const handler = handlers[path];
    if (!handler || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"message":"not found"}]}');
      return;
    }
    try {
      const raw = await readBody(req);
      const body = raw ? (JSON.parse(raw) as { variables?: Vars }) : {};
      const result = await handler(body.variables ?? {}, randomUUID());
      const text = result ?? '{"data":null,"errors":[{"message":"not found"}]}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message }] }));
    }
  })();
});

server.keepAliveTimeout = 65_000;
server.listen(Number(env.PORT ?? 4300), '127.0.0.1', () => {
  process.stdout.write(`raw peer listening on http://127.0.0.1:${env.PORT ?? 4300}/\n`);
});

const stop = () => {
  server.close();
  void sql.end({ timeout: 2 }).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
