import {
  createConnectionLoader,
  createGroupLoader,
  createLoader,
  createPatientRecordLoader,
  loaderFamily,
  type LoaderScope,
} from '../kernel/loaders.js';
import { pageRequest, statusFilter, type ConnectionArgs, type PageRequest, type CursorCodec } from '../kernel/pagination.js';
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
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  let clock: Promise<invoices.OrganizationClock> | undefined;
  return {
    /** The organization's time zone and today there, read once per request. */
    billingClock: () => (clock ??= read((tx) => invoices.organizationClock(tx, org))),
    serviceCatalogItemById: createLoader(
      scope,
      catalog.catalogItemsByIds,
      (i) => i.id,
    ),
    invoiceById: createPatientRecordLoader(scope, invoices.invoicesByIds),
    invoicesOfPatient: loaderFamily((args: { page: PageRequest; statuses: string[] | null }) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => invoices.invoicePagesByPatientIds(tx, org, ids, args.statuses, args.page),
        (i) => i.patientId,
        args.page,
        (i) => [i.invoiceSeq],
      ),
    ),
    invoiceCountOfPatient: loaderFamily((statuses: string[] | null) =>
      createLoader(
        scope,
        (tx, org, ids) => invoices.invoiceCountsByPatientIds(tx, org, ids, statuses),
        (r) => r.patientId,
      ),
    ),
    invoicesOfEncounter: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => invoices.invoicesByEncounterIds(tx, org, ids, limit),
        (i) => i.encounterId!,
      ),
    ),
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
    lineItemById: createLoader(
      scope,
      invoices.lineItemsByIds,
      (l) => l.id,
    ),
    paymentById: createPatientRecordLoader(scope, payments.paymentsByIds),
    paymentsOfInvoice: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => payments.paymentsByInvoiceIds(tx, org, ids, limit),
        (p) => p.invoiceId,
      ),
    ),
    refundsOfPayment: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => payments.refundsByPaymentIds(tx, org, ids, limit),
        (p) => p.refundOfPaymentId!,
      ),
    ),
  };
}
