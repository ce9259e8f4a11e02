import type { TestApp } from './test-app.js';

/**
 * The first patient by name, with every kind of record the mobile summary nests
 * (an open invoice with a payment included), so page size 1 exercises the whole shape.
 */
export async function addCompletePatient(sql: TestApp['admin']): Promise<void> {
  await sql`
    with org as (select id from organizations where slug = 'northwind'),
         doc as (select u.id from users u, org where u.organization_id = org.id and u.email = 'physician@northwind.example'),
         p as (insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
               select org.id, 'AAA-0001', 'Aaron', 'Aaberg', '1960-02-02' from org returning id, organization_id),
         e as (insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
               select p.organization_id, p.id, doc.id, 'OUTPATIENT', 'COMPLETED' from p, doc returning id, patient_id, organization_id),
         v as (insert into vital_signs (organization_id, patient_id, encounter_id, heart_rate)
               select organization_id, patient_id, id, 72 from e returning id),
         a as (insert into drug_allergies (organization_id, patient_id, allergen, severity)
               select p.organization_id, p.id, 'Penicillin', 'SEVERE' from p returning id),
         pr as (insert into problem_list (organization_id, patient_id, description)
                select p.organization_id, p.id, 'Hypertension' from p returning id),
         rx as (insert into prescriptions (organization_id, patient_id, prescriber_id, medication_name, dosage, route, frequency)
                select p.organization_id, p.id, doc.id, 'Amlodipine', '5 mg', 'ORAL', 'once daily' from p, doc returning id),
         inv as (insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, status, currency, subtotal,
                                       discount_total, tax_total, total, amount_paid, amount_refunded, balance_due, issued_at, due_date)
                 select p.organization_id, 'INV-TEST-1', 999999, p.id, 'PARTIALLY_PAID', 'USD', 100, 0, 0, 100, 40, 0, 60,
                        now(), current_date + 30 from p returning id, patient_id, organization_id)
    insert into payments (organization_id, invoice_id, patient_id, amount, method, kind, status, received_at)
    select organization_id, id, patient_id, 40, 'CASH', 'PAYMENT', 'COMPLETED', now() from inv`;
}
