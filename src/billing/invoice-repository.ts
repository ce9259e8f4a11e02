import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { conflict } from '../kernel/errors.js';
import type { LedgerColumns } from './invoice-accounting.js';
import type { InvoiceAmountColumns, LineColumns } from './invoice-totals.js';
import { childList } from '../kernel/keyset.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { keysetList } from '../kernel/root-list.js';
import { limitedChildren, rowsByIds } from '../kernel/table-rows.js';

/** One row of `invoices`; amounts are exact numeric text (e.g. "1250.50"). */
export interface InvoiceRow extends InvoiceAmountColumns, LedgerColumns, RowStamps {
  id: string;
  organizationId: string;
  invoiceNumber: string;
  /** bigint as text: the keyset of invoice lists. */
  invoiceSeq: string;
  patientId: string;
  encounterId: string | null;
  currency: string;
  issuedAt: Date | null;
  dueDate: string | null;
  voidedAt: Date | null;
  voidReason: string | null;
  notes: string | null;
  createdBy: string | null;
}

/** One row of `invoice_line_items`. */
export interface InvoiceLineItemRow extends LineColumns {
  id: string;
  organizationId: string;
  invoiceId: string;
  serviceCatalogItemId: string | null;
  description: string;
  position: number;
  createdAt: Date;
}

export interface InvoiceListFilter {
  patientId: string | null;
  statuses: string[] | null;
  issuedFrom: string | null;
  issuedTo: string | null;
  overdue: boolean | null;
  /** Today in the organization's time zone (for `overdue`). */
  today: string;
  /** The organization's time zone (for the issued day range). */
  timezone: string;
}

export interface PatientBalance {
  patientId: string;
  balance: string;
}

export function invoicesByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<InvoiceRow[]> {
  return rowsByIds(tx, liveInvoices(tx, organizationId, null), ids);
}

/** Invoices matching the organization-wide list's filter: `invoiceList` pages them newest (highest number) first on invoice_seq and counts them. */
function matchingInvoices(tx: TransactionSql, organizationId: string, f: InvoiceListFilter): PendingQuery<InvoiceRow[]> {
  return tx<InvoiceRow[]>`
    /* matchingInvoices */
    select i.id, i.organization_id, i.invoice_number, i.invoice_seq, i.patient_id, i.encounter_id, i.status, i.currency,
           i.subtotal, i.discount_total, i.tax_total, i.total, i.amount_paid, i.amount_refunded, i.amount_adjusted, i.balance_due, i.issued_at,
           i.due_date, i.voided_at, i.void_reason, i.notes, i.created_by, i.created_at, i.updated_at, i.version
    from invoices i
    where i.organization_id = ${organizationId}::uuid and i.deleted_at is null
      and (${f.patientId}::uuid is null or i.patient_id = ${f.patientId}::uuid)
      and (${f.statuses}::text[] is null or i.status = any(${f.statuses}::text[]))
      and (${f.issuedFrom}::date is null or i.issued_at >= (${f.issuedFrom}::date::timestamp at time zone ${f.timezone}::text))
      and (${f.issuedTo}::date is null or i.issued_at < ((${f.issuedTo}::date + 1)::timestamp at time zone ${f.timezone}::text))
      and (${f.overdue}::boolean is null or coalesce(invoice_is_collectible(i.status) and i.balance_due > 0
           and i.due_date < ${f.today}::date, false) = ${f.overdue}::boolean)
  `;
}

/** The organization's live invoices in `statuses` (null: any): what `Patient.invoices` pages and counts. */
function liveInvoices(tx: TransactionSql, organizationId: string, statuses: string[] | null): PendingQuery<InvoiceRow[]> {
  return tx<InvoiceRow[]>`
    /* liveInvoices */
    select i.id, i.organization_id, i.invoice_number, i.invoice_seq, i.patient_id, i.encounter_id, i.status, i.currency,
           i.subtotal, i.discount_total, i.tax_total, i.total, i.amount_paid, i.amount_refunded, i.amount_adjusted, i.balance_due, i.issued_at,
           i.due_date, i.voided_at, i.void_reason, i.notes, i.created_by, i.created_at, i.updated_at, i.version
    from invoices i
    where i.organization_id = ${organizationId}::uuid
      and i.deleted_at is null and (${statuses}::text[] is null or i.status = any(${statuses}::text[]))
  `;
}

/** `Patient.invoices(status:)`: newest (highest number) first. */
export const invoicesOfPatients = childList(liveInvoices, 'patient_id', { column: 'invoice_seq', type: 'bigint', order: 'desc', tiebreakById: false });

export function invoicesByEncounterIds(tx: TransactionSql, organizationId: string, encounterIds: readonly string[], limit: number | null): PendingQuery<InvoiceRow[]> {
  return limitedChildren(tx, liveInvoices(tx, organizationId, null), { parentIds: encounterIds, parentColumn: 'encounter_id' }, 'invoice_seq', limit);
}

/** What each patient owes: the balance due of their collectible invoices (invoice-accounting I7). */
export async function balancesByPatientIds(tx: TransactionSql, organizationId: string, patientIds: readonly string[]): Promise<PatientBalance[]> {
  const rows = await tx<{ patientId: string | null; balance: string }[]>`
    /* balancesByPatientIds */
    select p.id as patient_id, coalesce(sum(i.balance_due), 0)::numeric(14,2)::text as balance
    from unnest(${patientIds as string[]}::uuid[]) as p(id)
    left join invoices i on i.organization_id = ${organizationId}::uuid and i.patient_id = p.id
      and invoice_is_collectible(i.status) and i.deleted_at is null
    group by p.id
  `;
  return rows.map((r) => ({ patientId: r.patientId!, balance: r.balance! }));
}

// Patients and encounters belong to the patients domain: an invoice's checks read them through its repository.
/** A live patient of the organization, share-locked against deletion until commit. */
export { sharePatient as lockPatientForBilling } from '../patients/patient-repository.js';
/** The patient of a live encounter of the organization, or null. */
export { encounterPatientId } from '../patients/encounter-repository.js';

/**
 * Advances the organization's invoice counter and returns the new number.
 * The row lock taken by the upsert is held until the caller's transaction
 * ends, so concurrent invoices are numbered one after another, and a rollback
 * gives the number back: no gaps, no duplicates.
 */
export async function nextInvoiceSeq(tx: TransactionSql, organizationId: string): Promise<string> {
  const rows = await tx<{ value: string }[]>`
    /* nextInvoiceSeq */
    insert into tenant_counters (organization_id, name, value) values (${organizationId}::uuid, 'invoice_number', 1)
    on conflict (organization_id, name) do update set value = tenant_counters.value + 1
    returning value
  `;
  return rows[0]!.value;
}

export interface NewInvoice extends InvoiceAmountColumns, LedgerColumns {
  invoiceNumber: string;
  invoiceSeq: string;
  patientId: string;
  encounterId: string | null;
  currency: string;
  notes: string | null;
  createdBy: string;
}

export async function insertInvoice(tx: TransactionSql, organizationId: string, i: NewInvoice): Promise<InvoiceRow> {
  const rows = await tx<InvoiceRow[]>`
    /* insertInvoice */
    insert into invoices (organization_id, invoice_number, invoice_seq, patient_id, encounter_id, status, currency, subtotal,
                          discount_total, tax_total, total, amount_paid, amount_refunded, amount_adjusted, balance_due, notes, created_by)
    values (${organizationId}::uuid, ${i.invoiceNumber}, ${i.invoiceSeq}::bigint, ${i.patientId}::uuid, ${i.encounterId}::uuid,
            ${i.status}, ${i.currency}, ${i.subtotal}::numeric, ${i.discountTotal}::numeric, ${i.taxTotal}::numeric,
            ${i.total}::numeric, ${i.amountPaid}::numeric, ${i.amountRefunded}::numeric, ${i.amountAdjusted}::numeric,
            ${i.balanceDue}::numeric,
            ${i.notes}, ${i.createdBy}::uuid)
    returning id, organization_id, invoice_number, invoice_seq, patient_id, encounter_id, status, currency, subtotal,
              discount_total, tax_total, total, amount_paid, amount_refunded, amount_adjusted, balance_due, issued_at, due_date, voided_at,
              void_reason, notes, created_by, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** Locks a live invoice: every change to an invoice and its money runs behind this lock. */
export function lockInvoice(tx: TransactionSql, organizationId: string, id: string): Promise<InvoiceRow | null> {
  return lockedRow(tx, 'lockInvoice', invoicesByIds(tx, organizationId, [id]));
}

/** Writes the status, amounts and life-cycle columns of a locked invoice and bumps its version. */
export async function updateInvoiceRow(tx: TransactionSql, i: InvoiceRow): Promise<InvoiceRow> {
  const rows = await tx<InvoiceRow[]>`
    /* updateInvoiceRow */
    update invoices set
      status = ${i.status}, currency = ${i.currency}, subtotal = ${i.subtotal}::numeric,
      discount_total = ${i.discountTotal}::numeric, tax_total = ${i.taxTotal}::numeric, total = ${i.total}::numeric,
      amount_paid = ${i.amountPaid}::numeric, amount_refunded = ${i.amountRefunded}::numeric,
      amount_adjusted = ${i.amountAdjusted}::numeric, balance_due = ${i.balanceDue}::numeric, issued_at = ${i.issuedAt}, due_date = ${i.dueDate}::date,
      voided_at = ${i.voidedAt}, void_reason = ${i.voidReason}, version = version + 1
    where organization_id = ${i.organizationId}::uuid and id = ${i.id}::uuid and version = ${i.version}::int
    returning id, organization_id, invoice_number, invoice_seq, patient_id, encounter_id, status, currency, subtotal,
              discount_total, tax_total, total, amount_paid, amount_refunded, amount_adjusted, balance_due, issued_at, due_date, voided_at,
              void_reason, notes, created_by, created_at, updated_at, version
  `;
  // Callers hold the row lock, so the version cannot have moved; refuse rather than report a stale row.
  if (!rows[0]) throw conflict('The invoice was changed concurrently; reload and retry');
  return rows[0];
}

export async function lineItemsByInvoiceIds(tx: TransactionSql, organizationId: string, invoiceIds: readonly string[]): Promise<InvoiceLineItemRow[]> {
  return tx<InvoiceLineItemRow[]>`
    /* lineItemsByInvoiceIds */
    select id, organization_id, invoice_id, service_catalog_item_id, description, quantity, unit_price, discount, tax_rate,
           tax_amount, line_total, position, created_at
    from invoice_line_items
    where organization_id = ${organizationId}::uuid and invoice_id = any(${invoiceIds as string[]}::uuid[])
    order by invoice_id, position, id
  `;
}

export async function lineItemsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<InvoiceLineItemRow[]> {
  return tx<InvoiceLineItemRow[]>`
    /* lineItemsByIds */
    select id, organization_id, invoice_id, service_catalog_item_id, description, quantity, unit_price, discount, tax_rate,
           tax_amount, line_total, position, created_at
    from invoice_line_items
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

export interface NewLineItem extends LineColumns {
  serviceCatalogItemId: string;
  description: string;
  position: number;
}

/** Inserts lines of one invoice in one statement, in the order given. */
export async function insertLineItems(
  tx: TransactionSql,
  organizationId: string,
  invoiceId: string,
  lines: readonly NewLineItem[],
): Promise<InvoiceLineItemRow[]> {
  if (lines.length === 0) return [];
  const col = <K extends keyof NewLineItem>(key: K) => lines.map((l) => String(l[key]));
  return tx<InvoiceLineItemRow[]>`
    /* insertLineItems */
    insert into invoice_line_items (organization_id, invoice_id, service_catalog_item_id, description, quantity, unit_price,
                                    discount, tax_rate, tax_amount, line_total, position)
    select ${organizationId}::uuid, ${invoiceId}::uuid, l.item_id, l.description, l.quantity, l.unit_price, l.discount,
           l.tax_rate, l.tax_amount, l.line_total, l.position
    from unnest(${col('serviceCatalogItemId')}::uuid[], ${col('description')}::text[], ${col('quantity')}::numeric[],
                ${col('unitPrice')}::numeric[], ${col('discount')}::numeric[], ${col('taxRate')}::numeric[],
                ${col('taxAmount')}::numeric[], ${col('lineTotal')}::numeric[], ${col('position')}::int[])
      as l(item_id, description, quantity, unit_price, discount, tax_rate, tax_amount, line_total, position)
    order by l.position
    returning id, organization_id, invoice_id, service_catalog_item_id, description, quantity, unit_price, discount, tax_rate,
              tax_amount, line_total, position, created_at
  `;
}

export async function deleteLineItem(tx: TransactionSql, organizationId: string, id: string): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* deleteLineItem */
    delete from invoice_line_items where organization_id = ${organizationId}::uuid and id = ${id}::uuid returning id
  `;
  return rows.length > 0;
}

export interface OrganizationClock {
  timezone: string;
  /** Today in the organization's time zone, `YYYY-MM-DD`. */
  today: string;
}

/** The organization's time zone and today's date there. */
export async function organizationClock(tx: TransactionSql, organizationId: string): Promise<OrganizationClock> {
  const rows = await tx<{ timezone: string; today: string | null }[]>`
    /* organizationClock */
    select timezone, (now() at time zone timezone)::date::text as today from organizations where id = ${organizationId}::uuid
  `;
  const row = rows[0];
  return { timezone: row?.timezone ?? 'UTC', today: row?.today ?? new Date().toISOString().slice(0, 10) };
}

/** `Query.invoices`: by invoice number. */
export const invoiceList = keysetList('invoices:number', matchingInvoices, { column: 'invoice_seq', type: 'bigint', order: 'desc', tiebreakById: false }, (i) => [i.invoiceSeq], { patientsOf: (i) => i.patientId });
