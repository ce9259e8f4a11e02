import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TestOrganization } from '../helpers/fixtures.js';
import type { GraphQLResponse, TestApp } from '../helpers/test-app.js';

/** Shared operations and arrangement helpers of the billing tests. */

export const CATALOG_FIELDS = `id serviceCatalogItemId code name description category departmentId unitPrice taxRatePercent currency active version`;
export const INVOICE_FIELDS = `id invoiceId invoiceNumber status currency subtotal discountTotal taxTotal total amountPaid amountRefunded
  balanceDue overdue issuedAt dueDate voidedAt voidReason version patientId encounterId`;
export const LINE_FIELDS = `id lineItemId description quantity unitPrice amount discount taxRatePercent taxAmount lineTotal position
  serviceCatalogItem { serviceCatalogItemId unitPrice }`;
export const PAYMENT_FIELDS = `id paymentId kind amount currency method reference idempotencyKey refundedAmount refundableAmount reason status
  receivedBy { userId } refundOf { paymentId }`;

export const CREATE_ITEM = `mutation($i: CreateServiceCatalogItemInput!) { createServiceCatalogItem(input: $i) { serviceCatalogItem { ${CATALOG_FIELDS} } } }`;
export const UPDATE_ITEM = `mutation($i: UpdateServiceCatalogItemInput!) { updateServiceCatalogItem(input: $i) { serviceCatalogItem { ${CATALOG_FIELDS} } } }`;
export const DEACTIVATE_ITEM = `mutation($i: DeactivateServiceCatalogItemInput!) { deactivateServiceCatalogItem(input: $i) { serviceCatalogItem { ${CATALOG_FIELDS} } } }`;
export const CREATE_INVOICE = `mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { invoice { ${INVOICE_FIELDS} lineItems { ${LINE_FIELDS} } } } }`;
export const ADD_LINE = `mutation($i: AddInvoiceLineItemInput!) { addInvoiceLineItem(input: $i) { lineItem { ${LINE_FIELDS} } invoice { ${INVOICE_FIELDS} lineItems { lineItemId } } } }`;
export const REMOVE_LINE = `mutation($i: RemoveInvoiceLineItemInput!) { removeInvoiceLineItem(input: $i) { invoice { ${INVOICE_FIELDS} lineItems { lineItemId } } } }`;
export const ISSUE = `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { ${INVOICE_FIELDS} } } }`;
export const VOID = `mutation($i: VoidInvoiceInput!) { voidInvoice(input: $i) { invoice { ${INVOICE_FIELDS} } } }`;
export const PAY = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { replayed payment { ${PAYMENT_FIELDS} } invoice { ${INVOICE_FIELDS} } } }`;
export const REFUND = `mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { replayed refund { ${PAYMENT_FIELDS} } payment { ${PAYMENT_FIELDS} } invoice { ${INVOICE_FIELDS} } } }`;
export const INVOICE = `query($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} lineItems { ${LINE_FIELDS} } payments { ${PAYMENT_FIELDS} } } }`;

export function billingHelpers(app: TestApp) {
  /** Runs an operation that must succeed and returns its data. */
  async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
    const res = await app.gql(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  }

  /** The first error of a response that must fail. */
  function firstError(res: GraphQLResponse) {
    expect(res.errors, JSON.stringify(res.data)).toBeDefined();
    return res.errors![0]!;
  }

  async function createPatient(org: TestOrganization, lastName = 'Billing'): Promise<string> {
    const [row] = await app.admin<{ id: string }[]>`
      insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
      values (${org.id}, ${`B-${randomUUID().slice(0, 8).toUpperCase()}`}, 'Achieng', ${lastName}, '1980-01-01') returning id`;
    return row!.id;
  }

  async function createEncounter(org: TestOrganization, patientId: string): Promise<string> {
    const [row] = await app.admin<{ id: string }[]>`
      insert into encounters (organization_id, patient_id, provider_id, encounter_type, status)
      values (${org.id}, ${patientId}, ${org.users.PHYSICIAN.id}, 'OUTPATIENT', 'COMPLETED') returning id`;
    return row!.id;
  }

  async function createItem(token: string, input: Record<string, unknown>) {
    const data = await ok(
      CREATE_ITEM,
      { i: { code: `SVC-${randomUUID().slice(0, 8)}`, name: 'Service', category: 'CONSULTATION', unitPrice: '100.00', ...input } },
      token,
    );
    return data.createServiceCatalogItem.serviceCatalogItem;
  }

  async function createInvoice(token: string, patientId: string, items: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
    const data = await ok(CREATE_INVOICE, { i: { patientId, items, ...extra } }, token);
    return data.createInvoice.invoice;
  }

  /** A DRAFT with the given lines, issued. */
  async function issuedInvoice(token: string, patientId: string, items: Record<string, unknown>[]) {
    const draft = await createInvoice(token, patientId, items);
    return (await ok(ISSUE, { i: { id: draft.id } }, token)).issueInvoice.invoice;
  }

  return { ok, firstError, createPatient, createEncounter, createItem, createInvoice, issuedInvoice };
}

/** Decimal string → cents (test-side, independent of the server's money code). */
export function cents(value: string | number): bigint {
  const [whole, fraction = ''] = String(value).split('.');
  const negative = whole!.startsWith('-');
  const abs = BigInt(whole!.replace('-', '')) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2) || '0');
  return negative ? -abs : abs;
}

/** Cents → `"12.30"`. */
export function decimal(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
