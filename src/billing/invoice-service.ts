import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { afterWrite } from '../kernel/loaders.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { catalogItemsByIds, type ServiceCatalogItemRow } from './catalog-repository.js';
import { assertEditable, draftLedger, issue, ledgerColumns, ledgerOf, voidLedger } from './invoice-accounting.js';
import * as repo from './invoice-repository.js';
import { amountColumns, invoiceAmounts, lineColumns, priceLine, storedLineAmounts, type LineAmounts } from './invoice-totals.js';
import { fromDatabase, money, quantity, rateFromDatabase } from './money.js';
import { billingCurrency } from './report-repository.js';

/** Lines per invoice: keeps `Invoice.lineItems` a bounded list. */
export const MAX_LINES = 200;
/** Days from issue to the default due date. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/** Constraint failures of invoice writes, as messages that name the input. */
const INVOICE_CONSTRAINTS = {
  invoices_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
  invoices_seq_unique: () => conflict('The invoice number was taken concurrently; retry'),
  invoices_number_unique: () => conflict('The invoice number was taken concurrently; retry'),
};

/** A line as the client asks for it (the catalog supplies price and tax). */
export interface LineRequest {
  serviceCatalogItemId: string;
  quantity?: string | null;
  discount?: string | null;
  description?: string | null;
}

interface CleanLine {
  serviceCatalogItemId: string;
  quantity: bigint;
  discount: bigint;
  description: string | null;
  field: string;
}

function cleanLine(line: LineRequest, field: string): CleanLine {
  return {
    serviceCatalogItemId: line.serviceCatalogItemId,
    quantity: quantity(line.quantity ?? '1', field ? `${field}.quantity` : 'quantity'),
    discount: money(line.discount ?? '0', field ? `${field}.discount` : 'discount', { allowZero: true }),
    description: optionalText(line.description, field ? `${field}.description` : 'description', 500) ?? null,
    field,
  };
}

/** Prices a line from the catalog as it is now: unit price and tax rate are copied onto the line. */
function priceFromCatalog(item: ServiceCatalogItemRow | undefined, line: CleanLine, position: number) {
  const prefix = line.field ? `${line.field}.` : '';
  if (!item) throw notFound('ServiceCatalogItem', line.serviceCatalogItemId);
  if (!item.active) throw badInput(`Catalog item ${item.code} is deactivated`, `${prefix}serviceCatalogItemId`);
  const pricing = {
    quantity: line.quantity,
    unitPrice: fromDatabase(item.unitPrice),
    discount: line.discount,
    taxRateBp: rateFromDatabase(item.taxRate),
  };
  const amounts = priceLine(pricing, `${prefix}discount`);
  const row: repo.NewLineItem = {
    serviceCatalogItemId: item.id,
    description: line.description ?? item.name,
    position,
    ...lineColumns(pricing, amounts),
  };
  return { row, amounts, currency: item.currency };
}

async function catalogMap(tx: TransactionSql, organizationId: string, lines: readonly CleanLine[]) {
  const ids = [...new Set(lines.map((l) => l.serviceCatalogItemId))];
  const items = ids.length ? await catalogItemsByIds(tx, organizationId, ids) : [];
  return new Map(items.map((i) => [i.id, i]));
}

/** Locks the invoice; when the client sent a version, it must still be current. */
async function lockInvoiceAt(tx: TransactionSql, organizationId: string, id: string, version: number | null | undefined) {
  const invoice = await repo.lockInvoice(tx, organizationId, id);
  if (!invoice) throw notFound('Invoice', id);
  return version === null || version === undefined ? invoice : atVersion(invoice, version, 'Invoice', id);
}

/** Recomputes a DRAFT's totals from its lines (invoice-totals) and its balance (invoice-accounting), and writes them. */
async function writeTotals(tx: TransactionSql, invoice: repo.InvoiceRow, lines: readonly LineAmounts[], currency: string) {
  const amounts = invoiceAmounts(lines);
  const ledger = { ...ledgerOf(invoice), total: amounts.total };
  return repo.updateInvoiceRow(tx, { ...invoice, ...amountColumns(amounts), ...ledgerColumns(ledger), currency });
}

export async function createInvoice(
  ctx: TenantContext,
  input: { patientId: string; encounterId: string | null; items: readonly LineRequest[]; notes?: string | null },
): Promise<repo.InvoiceRow> {
  if (input.items.length > MAX_LINES) throw badInput(`An invoice has at most ${MAX_LINES} line items`, 'items');
  const lines = input.items.map((item, i) => cleanLine(item, `items.${i}`));
  const notes = optionalText(input.notes, 'notes', 5000) ?? null;
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    if (!(await repo.lockPatientForBilling(tx, org, input.patientId))) throw notFound('Patient', input.patientId);
    if (input.encounterId) {
      const encounterPatient = await repo.encounterPatientId(tx, org, input.encounterId);
      if (!encounterPatient) throw notFound('Encounter', input.encounterId);
      if (encounterPatient !== input.patientId) throw badInput('encounterId is not an encounter of this patient', 'encounterId');
    }
    const catalog = await catalogMap(tx, org, lines);
    const priced = lines.map((line, i) => priceFromCatalog(catalog.get(line.serviceCatalogItemId), line, i));
    const currency = priced[0]?.currency ?? (await billingCurrency(tx, org));
    const amounts = invoiceAmounts(priced.map((p) => p.amounts));
    // Last, so the counter row (locked until commit) is held as briefly as possible.
    const seq = await repo.nextInvoiceSeq(tx, org);
    const invoice = await repo
      .insertInvoice(tx, org, {
        invoiceNumber: `INV-${seq.padStart(6, '0')}`,
        invoiceSeq: seq,
        patientId: input.patientId,
        encounterId: input.encounterId,
        currency,
        notes,
        createdBy: ctx.viewer.userId,
        ...amountColumns(amounts),
        ...ledgerColumns(draftLedger(amounts.total)),
      })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, INVOICE_CONSTRAINTS)));
    const lineItems = await repo.insertLineItems(tx, org, invoice.id, priced.map((p) => p.row));
    audit({ action: 'invoice.create', entityType: 'invoice', entityId: invoice.id, after: { ...invoice, lineItems } });
    return invoice;
  });
  return afterWrite(write, (invoice) => ctx.loaders.billingWritten({ invoices: [invoice] }));
}

export async function addLineItem(
  ctx: TenantContext,
  input: LineRequest & { invoiceId: string; version?: number | null },
): Promise<{ invoice: repo.InvoiceRow; lineItem: repo.InvoiceLineItemRow }> {
  const line = cleanLine(input, '');
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const invoice = await lockInvoiceAt(tx, org, input.invoiceId, input.version);
    assertEditable(invoice.status);
    const existing = await repo.lineItemsByInvoiceIds(tx, org, [invoice.id]);
    if (existing.length >= MAX_LINES) throw badInput(`An invoice has at most ${MAX_LINES} line items`, 'invoiceId');
    const position = existing.reduce((max, l) => Math.max(max, l.position + 1), 0);
    const priced = priceFromCatalog((await catalogMap(tx, org, [line])).get(line.serviceCatalogItemId), line, position);
    if (existing.length > 0 && priced.currency !== invoice.currency) {
      throw badInput(`The invoice is in ${invoice.currency}; this item is priced in ${priced.currency}`, 'serviceCatalogItemId');
    }
    const [lineItem] = await repo.insertLineItems(tx, org, invoice.id, [priced.row]);
    const after = await writeTotals(tx, invoice, [...existing.map(storedLineAmounts), priced.amounts], priced.currency);
    audit({ action: 'invoice.add_line', entityType: 'invoice', entityId: invoice.id, after: { lineItem: lineItem!, total: after.total } });
    return { invoice: after, lineItem: lineItem! };
  });
  return afterWrite(write, (r) => ctx.loaders.billingWritten({ invoices: [r.invoice], lineItems: [r.lineItem] }));
}

export async function removeLineItem(
  ctx: TenantContext,
  input: { lineItemId: string; version?: number | null },
): Promise<repo.InvoiceRow> {
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const [line] = await repo.lineItemsByIds(tx, org, [input.lineItemId]);
    if (!line) throw notFound('InvoiceLineItem', input.lineItemId);
    const invoice = await lockInvoiceAt(tx, org, line.invoiceId, input.version);
    assertEditable(invoice.status, 'lineItemId');
    if (!(await repo.deleteLineItem(tx, org, line.id))) throw notFound('InvoiceLineItem', input.lineItemId);
    const remaining = await repo.lineItemsByInvoiceIds(tx, org, [invoice.id]);
    const after = await writeTotals(tx, invoice, remaining.map(storedLineAmounts), invoice.currency);
    audit({ action: 'invoice.remove_line', entityType: 'invoice', entityId: invoice.id, before: { lineItem: line, total: invoice.total } });
    return after;
  });
  return afterWrite(write, (after) => ctx.loaders.billingWritten({ invoices: [after], removedLineItemIds: [input.lineItemId] }));
}

/** Adds `days` to a `YYYY-MM-DD` calendar date. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function issueInvoice(
  ctx: TenantContext,
  input: { id: string; version?: number | null; dueDate?: string | null },
): Promise<repo.InvoiceRow> {
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const invoice = await lockInvoiceAt(tx, org, input.id, input.version);
    const lines = await repo.lineItemsByInvoiceIds(tx, org, [invoice.id]);
    const ledger = issue(ledgerOf(invoice), lines.length);
    const { today } = await repo.organizationClock(tx, org);
    const dueDate = input.dueDate ?? addDays(today, DEFAULT_PAYMENT_TERMS_DAYS);
    if (dueDate < today) throw badInput('dueDate cannot be in the past', 'dueDate');
    const after = await repo.updateInvoiceRow(tx, { ...invoice, ...ledgerColumns(ledger), issuedAt: new Date(), dueDate });
    audit({ action: 'invoice.issue', entityType: 'invoice', entityId: invoice.id, ...changedFields(invoice, after) });
    return after;
  });
  return afterWrite(write, (after) => ctx.loaders.billingWritten({ invoices: [after] }));
}

export async function voidInvoice(
  ctx: TenantContext,
  input: { id: string; version?: number | null; reason: string },
): Promise<repo.InvoiceRow> {
  const reason = requiredText(input.reason, 'reason', 1000);
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const invoice = await lockInvoiceAt(tx, scope.organizationId, input.id, input.version);
    const ledger = voidLedger(ledgerOf(invoice));
    const after = await repo.updateInvoiceRow(tx, { ...invoice, ...ledgerColumns(ledger), voidedAt: new Date(), voidReason: reason });
    audit({ action: 'invoice.void', entityType: 'invoice', entityId: invoice.id, ...changedFields(invoice, after) });
    return after;
  });
  return afterWrite(write, (after) => ctx.loaders.billingWritten({ invoices: [after] }));
}
