import {
  createByIdLoader,
  createCountLoader,
  createGroupLoader,
  createLoader,
  createPatientRecordLoader,
  createStatusPagesLoader,
  forgetKeys,
  limitedGroupLoaders,
  loaderFamily,
  primeFresh,
  type LoaderScope,
} from '../kernel/loaders.js';
import { pageRequest, statusFilter, type ConnectionArgs, type CursorCodec } from '../kernel/pagination.js';
import * as adjustments from './adjustment-repository.js';
import * as catalog from './catalog-repository.js';
import * as invoices from './invoice-repository.js';
import * as payments from './payment-repository.js';

/** The loader key of `Patient.invoices(...)`; the resolver and the look-ahead prefetch both key by it. */
export const invoicePage = (args: ConnectionArgs & { status?: readonly string[] | null }, cursors: CursorCodec) => ({
  page: pageRequest(args, 'patient.invoices', cursors),
  statuses: statusFilter(args.status),
});

/**
 * Catalog, invoices, lines and payments, batched per request. Loading an
 * invoice or payment by id is recorded as PHI access of its patient; lists
 * hang off a patient, encounter or invoice that was recorded already.
 */
export function billingLoaders(scope: LoaderScope) {
  const loaders = cachingLoaders(scope);
  return { ...loaders, billingWritten: (written: BillingWrites) => refreshAfterWrite(loaders, written) };
}

function cachingLoaders(scope: LoaderScope) {
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  let clock: Promise<invoices.OrganizationClock> | undefined;
  return {
    /** The organization's time zone and today there, read once per request. */
    billingClock: () => (clock ??= read((tx) => invoices.organizationClock(tx, org))),
    serviceCatalogItemById: createByIdLoader(scope, catalog.catalogItemsByIds),
    invoiceById: createPatientRecordLoader(scope, invoices.invoicesByIds),
    invoicesOfPatient: createStatusPagesLoader(scope, invoices.invoicesOfPatients.pages, (i) => i.patientId, (i) => [i.invoiceSeq]),
    invoiceCountOfPatient: loaderFamily((statuses: string[] | null) =>
      createCountLoader(scope, (tx, org, ids) => invoices.invoicesOfPatients.counts(tx, org, ids, statuses)),
    ),
    invoicesOfEncounter: limitedGroupLoaders(scope, invoices.invoicesByEncounterIds, (i) => i.encounterId!),
    balanceOfPatient: createLoader(
      scope,
      invoices.balancesByPatientIds,
      (b) => b.patientId,
    ),
    lineItemsOfInvoice: createGroupLoader(
      scope,
      invoices.lineItemsByInvoiceIds,
      (l) => l.invoiceId,
    ),
    lineItemById: createByIdLoader(scope, invoices.lineItemsByIds),
    paymentById: createPatientRecordLoader(scope, payments.paymentsByIds),
    paymentsOfInvoice: limitedGroupLoaders(scope, payments.paymentsByInvoiceIds, (p) => p.invoiceId),
    refundsOfPayment: limitedGroupLoaders(scope, payments.refundsByPaymentIds, (p) => p.refundOfPaymentId!),
    adjustmentById: createPatientRecordLoader(scope, adjustments.adjustmentsByIds),
    adjustmentsOfInvoice: limitedGroupLoaders(scope, adjustments.adjustmentsByInvoiceIds, (a) => a.invoiceId),
  };
}

/** The rows a billing write changed (see `afterWrite` in src/kernel/loaders.ts). */
export interface BillingWrites {
  invoices?: readonly invoices.InvoiceRow[];
  lineItems?: readonly invoices.InvoiceLineItemRow[];
  removedLineItemIds?: readonly string[];
  payments?: readonly payments.PaymentRow[];
  catalogItems?: readonly catalog.ServiceCatalogItemRow[];
}

/**
 * Makes the request's billing loaders show a write: the written rows replace
 * what the by-id loaders cached, and every relation hanging off a written
 * invoice (its lines, payments, adjustments; its patient's invoice lists,
 * counts and balance; its encounter's invoices) or payment (its refunds) reads
 * again on next use. Primed rows are not logged as PHI access: the write
 * that produced them is in the audit trail with this request's id.
 */
function refreshAfterWrite(l: ReturnType<typeof cachingLoaders>, w: BillingWrites): void {
  const written = w.invoices ?? [];
  const paid = w.payments ?? [];
  primeFresh(l.invoiceById, written, (i) => i.id);
  primeFresh(l.paymentById, paid, (p) => p.id);
  primeFresh(l.lineItemById, w.lineItems ?? [], (li) => li.id);
  primeFresh(l.serviceCatalogItemById, w.catalogItems ?? [], (c) => c.id);
  forgetKeys(l.lineItemById, w.removedLineItemIds ?? []);
  const invoiceIds = [...written.map((i) => i.id), ...paid.map((p) => p.invoiceId)];
  const patientIds = [...written.map((i) => i.patientId), ...paid.map((p) => p.patientId)];
  for (const loader of [l.lineItemsOfInvoice, l.paymentsOfInvoice, l.adjustmentsOfInvoice]) forgetKeys(loader, invoiceIds);
  for (const loader of [l.balanceOfPatient, l.invoicesOfPatient, l.invoiceCountOfPatient]) forgetKeys(loader, patientIds);
  forgetKeys(l.invoicesOfEncounter, written.map((i) => i.encounterId));
  forgetKeys(l.refundsOfPayment, paid.flatMap((p) => [p.id, p.refundOfPaymentId]));
}
