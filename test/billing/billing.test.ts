import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import {
  ADD_LINE,
  billingHelpers,
  CREATE_INVOICE,
  CREATE_ITEM,
  DEACTIVATE_ITEM,
  INVOICE,
  ISSUE,
  PAY,
  REFUND,
  REMOVE_LINE,
  UPDATE_ITEM,
  VOID,
} from './billing-fixtures.js';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;
let h: ReturnType<typeof billingHelpers>;

beforeAll(async () => {
  app = await createTestApp(COUNTING_STATEMENTS);
  org = await createOrganization(app.admin, 'till');
  other = await createOrganization(app.admin, 'elsewhere');
  [tokens, otherTokens] = await Promise.all([tokensByRole(app, org), tokensByRole(app, other)]);
  h = billingHelpers(app);
});
afterAll(() => app.close());

const todayUtc = () => new Date().toISOString().slice(0, 10);
const plusDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

describe('service catalog', () => {
  it('creates an item with exact price and tax, audited', async () => {
    const item = await h.createItem(tokens.BILLING, { code: 'cons-gp', name: 'General consultation', unitPrice: '1500.00', taxRatePercent: '16.00' });
    expect(item).toMatchObject({ code: 'CONS-GP', unitPrice: '1500.00', taxRatePercent: '16.00', currency: 'USD', active: true, version: 1 });
    const [row] = await app.admin`select unit_price::text, tax_rate::text from service_catalog where id = ${item.serviceCatalogItemId}`;
    expect(row).toEqual({ unit_price: '1500.00', tax_rate: '0.1600' });
    const audit = await app.admin`select actor_user_id from audit_log where entity_id = ${item.serviceCatalogItemId} and action = 'service_catalog.create'`;
    expect(audit).toEqual([{ actor_user_id: org.users.BILLING.id }]);
  });

  it('refuses duplicate codes, bad prices, bad rates, another currency and another organization\'s department', async () => {
    await h.createItem(tokens.BILLING, { code: 'DUP-1' });
    const dup = await app.gql(CREATE_ITEM, { i: { code: 'dup-1', name: 'X', category: 'OTHER', unitPrice: '1.00' } }, tokens.BILLING);
    expect(h.firstError(dup).extensions).toMatchObject({ code: 'CONFLICT', field: 'code' });
    const negative = await app.gql(CREATE_ITEM, { i: { code: 'NEG', name: 'X', category: 'OTHER', unitPrice: '-1.00' } }, tokens.BILLING);
    expect(h.firstError(negative).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitPrice' });
    for (const unitPrice of ['1.234', 'abc', 12.5, '1e3']) {
      const bad = await app.gql(CREATE_ITEM, { i: { code: 'BAD', name: 'X', category: 'OTHER', unitPrice } }, tokens.BILLING);
      expect(h.firstError(bad).extensions.code, String(unitPrice)).toBe('BAD_USER_INPUT');
    }
    const rate = await app.gql(CREATE_ITEM, { i: { code: 'RATE', name: 'X', category: 'OTHER', unitPrice: '1.00', taxRatePercent: '100.01' } }, tokens.BILLING);
    expect(h.firstError(rate).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'taxRatePercent' });
    const currency = await app.gql(CREATE_ITEM, { i: { code: 'KES', name: 'X', category: 'OTHER', unitPrice: '1.00', currency: 'KES' } }, tokens.BILLING);
    expect(h.firstError(currency).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency', currency: 'USD' });
    const [dept] = await app.admin`insert into departments (organization_id, name, code, department_type) values (${other.id}, 'Lab', 'LAB', 'LABORATORY') returning id`;
    const foreignDept = await app.gql(CREATE_ITEM, { i: { code: 'DEPT', name: 'X', category: 'OTHER', unitPrice: '1.00', departmentId: dept!.id } }, tokens.BILLING);
    expect(h.firstError(foreignDept).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentId' });
    expect(await app.admin`select 1 from service_catalog where code in ('NEG', 'BAD', 'RATE', 'KES', 'DEPT')`).toHaveLength(0);
  });

  it('updates by version, deactivates, and lists with filters and paging', async () => {
    const item = await h.createItem(tokens.BILLING, { code: 'XRAY-CHEST', name: 'Chest X-ray', category: 'IMAGING', unitPrice: '2500.00' });
    const updated = await h.ok(UPDATE_ITEM, { i: { id: item.id, version: 1, unitPrice: '2750.50', description: 'PA view' } }, tokens.BILLING);
    expect(updated.updateServiceCatalogItem.serviceCatalogItem).toMatchObject({ unitPrice: '2750.50', description: 'PA view', version: 2 });
    const stale = await app.gql(UPDATE_ITEM, { i: { id: item.id, version: 1, name: 'Overwritten' } }, tokens.BILLING);
    expect(h.firstError(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const off = await h.ok(DEACTIVATE_ITEM, { i: { id: item.id, version: 2 } }, tokens.BILLING);
    expect(off.deactivateServiceCatalogItem.serviceCatalogItem).toMatchObject({ active: false, version: 3 });

    const search = await h.ok(`{ serviceCatalog(first: 10, filter: { search: "chest" }) { totalCount edges { node { code active } } } }`, {}, tokens.FRONT_DESK);
    expect(search.serviceCatalog).toEqual({ totalCount: 1, edges: [{ node: { code: 'XRAY-CHEST', active: false } }] });
    const imagingActive = await h.ok(`{ serviceCatalog(filter: { category: [IMAGING], active: true }) { totalCount } }`, {}, tokens.BILLING);
    expect(imagingActive.serviceCatalog.totalCount).toBe(0);
    const all = await h.ok(`{ serviceCatalog(first: 1000) { edges { node { name } } } }`, {}, tokens.BILLING);
    const names = all.serviceCatalog.edges.map((e: any) => e.node.name);
    const page1 = await h.ok(`{ serviceCatalog(first: 2) { edges { node { name } } pageInfo { endCursor hasNextPage } } }`, {}, tokens.BILLING);
    const page2 = await h.ok(`query($after: String) { serviceCatalog(first: 2, after: $after) { edges { node { name } } } }`, { after: page1.serviceCatalog.pageInfo.endCursor }, tokens.BILLING);
    expect([...page1.serviceCatalog.edges, ...page2.serviceCatalog.edges].map((e: any) => e.node.name)).toEqual(names.slice(0, 4));
    expect(page1.serviceCatalog.pageInfo.hasNextPage).toBe(true);
  });

  it('is readable with billing:read, writable only with billing:write, and invisible to another organization', async () => {
    const item = await h.createItem(tokens.BILLING, { code: 'PRIV-1' });
    const nurse = await app.gql(`{ serviceCatalog { totalCount } }`, {}, tokens.NURSE);
    expect(h.firstError(nurse).extensions.code).toBe('FORBIDDEN');
    const frontDesk = await app.gql(CREATE_ITEM, { i: { code: 'FD', name: 'X', category: 'OTHER', unitPrice: '1.00' } }, tokens.FRONT_DESK);
    expect(h.firstError(frontDesk).extensions.code).toBe('FORBIDDEN');
    const foreign = await app.gql(`query($id: ID!) { serviceCatalogItem(id: $id) { code } }`, { id: item.id }, otherTokens.BILLING);
    expect(foreign.data?.serviceCatalogItem).toBeNull();
    const foreignUpdate = await app.gql(UPDATE_ITEM, { i: { id: item.id, version: 1, name: 'Hijack' } }, otherTokens.BILLING);
    expect(h.firstError(foreignUpdate).extensions.code).toBe('NOT_FOUND');
  });
});

describe('invoices', () => {
  it('creates a DRAFT with exact totals, snapshots catalog price and tax, and numbers it', async () => {
    const patientId = await h.createPatient(org);
    const consult = await h.createItem(tokens.BILLING, { name: 'Consultation', unitPrice: '1500.00', taxRatePercent: '16.00' });
    const swab = await h.createItem(tokens.BILLING, { name: 'Swab', unitPrice: '0.10', taxRatePercent: '0' });
    const invoice = await h.createInvoice(tokens.BILLING, patientId, [
      { serviceCatalogItemId: consult.id, quantity: '2', discount: '100.00' },
      { serviceCatalogItemId: swab.serviceCatalogItemId, quantity: '3' },
    ]);
    expect(invoice.invoiceNumber).toMatch(/^INV-\d{6}$/);
    expect(invoice).toMatchObject({
      status: 'DRAFT', currency: 'USD', subtotal: '3000.30', discountTotal: '100.00', taxTotal: '464.00', total: '3364.30',
      amountPaid: '0.00', amountRefunded: '0.00', balanceDue: '3364.30', overdue: false, issuedAt: null, dueDate: null, version: 1,
    });
    expect(invoice.lineItems).toEqual([
      expect.objectContaining({ description: 'Consultation', quantity: '2.00', unitPrice: '1500.00', amount: '3000.00', discount: '100.00', taxRatePercent: '16.00', taxAmount: '464.00', lineTotal: '3364.00', position: 0 }),
      expect.objectContaining({ description: 'Swab', quantity: '3.00', unitPrice: '0.10', amount: '0.30', discount: '0.00', taxAmount: '0.00', lineTotal: '0.30', position: 1 }),
    ]);

    // A price change reaches new lines only.
    await h.ok(UPDATE_ITEM, { i: { id: consult.id, version: 1, unitPrice: '2000.00', taxRatePercent: '8.00' } }, tokens.BILLING);
    const added = await h.ok(ADD_LINE, { i: { invoiceId: invoice.id, serviceCatalogItemId: consult.id, version: 1 } }, tokens.BILLING);
    expect(added.addInvoiceLineItem.lineItem).toMatchObject({ unitPrice: '2000.00', taxRatePercent: '8.00', taxAmount: '160.00', lineTotal: '2160.00', position: 2 });
    expect(added.addInvoiceLineItem.invoice).toMatchObject({ subtotal: '5000.30', taxTotal: '624.00', total: '5524.30', version: 2 });
    const read = await h.ok(INVOICE, { id: invoice.id }, tokens.BILLING);
    expect(read.invoice.lineItems[0]).toMatchObject({ unitPrice: '1500.00', taxRatePercent: '16.00', serviceCatalogItem: { unitPrice: '2000.00' } });

    const removed = await h.ok(REMOVE_LINE, { i: { lineItemId: invoice.lineItems[1].id, version: 2 } }, tokens.BILLING);
    expect(removed.removeInvoiceLineItem.invoice).toMatchObject({ subtotal: '5000.00', total: '5524.00', balanceDue: '5524.00', version: 3 });
    expect(removed.removeInvoiceLineItem.invoice.lineItems).toHaveLength(2);
    const stale = await app.gql(ADD_LINE, { i: { invoiceId: invoice.id, serviceCatalogItemId: swab.id, version: 2 } }, tokens.BILLING);
    expect(h.firstError(stale).extensions.code).toBe('CONFLICT');

    const [row] = await app.admin`select invoice_seq::int as seq, invoice_number, total::text from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ seq: Number(invoice.invoiceNumber.slice(4)), invoice_number: invoice.invoiceNumber, total: '5524.00' });
    const actions = await app.admin`select action from audit_log where entity_id = ${invoice.invoiceId} order by occurred_at`;
    expect(actions.map((a) => a.action)).toEqual(['invoice.create', 'invoice.add_line', 'invoice.remove_line']);
  });

  it('issues a draft (due in 30 days by default) after which it can no longer be edited', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '50.00' });
    const empty = await h.createInvoice(tokens.BILLING, patientId, []);
    const noLines = await app.gql(ISSUE, { i: { id: empty.id } }, tokens.BILLING);
    expect(h.firstError(noLines).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const draft = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const past = await app.gql(ISSUE, { i: { id: draft.id, dueDate: '2000-01-01' } }, tokens.BILLING);
    expect(h.firstError(past).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueDate' });
    const issued = (await h.ok(ISSUE, { i: { id: draft.id, version: 1 } }, tokens.BILLING)).issueInvoice.invoice;
    expect(issued).toMatchObject({ status: 'ISSUED', dueDate: plusDays(todayUtc(), 30), balanceDue: '50.00', overdue: false, version: 2 });
    expect(issued.issuedAt).not.toBeNull();

    const edit = await app.gql(ADD_LINE, { i: { invoiceId: draft.id, serviceCatalogItemId: item.id } }, tokens.BILLING);
    expect(h.firstError(edit).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId' });
    expect(h.firstError(edit).message).toMatch(/ISSUED/);
    const lines = (await h.ok(INVOICE, { id: draft.id }, tokens.BILLING)).invoice.lineItems;
    const remove = await app.gql(REMOVE_LINE, { i: { lineItemId: lines[0].id } }, tokens.BILLING);
    expect(h.firstError(remove).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lineItemId' });
    const again = await app.gql(ISSUE, { i: { id: draft.id } }, tokens.BILLING);
    expect(h.firstError(again).extensions.code).toBe('BAD_USER_INPUT');
    const [row] = await app.admin`select count(*)::int as n, max(i.version) as version from invoice_line_items l join invoices i on i.id = l.invoice_id where i.id = ${draft.invoiceId}`;
    expect(row).toEqual({ n: 1, version: 2 });
  });

  it('issues a fully discounted invoice straight to PAID', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '80.00' });
    const draft = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id, discount: '80.00' }]);
    expect(draft.total).toBe('0.00');
    const issued = (await h.ok(ISSUE, { i: { id: draft.id } }, tokens.BILLING)).issueInvoice.invoice;
    expect(issued).toMatchObject({ status: 'PAID', balanceDue: '0.00' });
  });

  it('refuses bad lines: a discount above the amount, zero or malformed quantities, inactive or foreign catalog items', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '10.00' });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ serviceCatalogItemId: item.id, discount: '10.01' }, 'BAD_USER_INPUT', 'items.0.discount'],
      [{ serviceCatalogItemId: item.id, quantity: '0' }, 'BAD_USER_INPUT', 'items.0.quantity'],
      [{ serviceCatalogItemId: item.id, quantity: '-1.00' }, 'BAD_USER_INPUT', 'items.0.quantity'],
      [{ serviceCatalogItemId: item.id, discount: '-0.01' }, 'BAD_USER_INPUT', 'items.0.discount'],
    ];
    for (const [line, code, field] of cases) {
      const res = await app.gql(CREATE_INVOICE, { i: { patientId, items: [line] } }, tokens.BILLING);
      expect(h.firstError(res).extensions, JSON.stringify(line)).toMatchObject({ code, field });
    }
    const malformed = await app.gql(CREATE_INVOICE, { i: { patientId, items: [{ serviceCatalogItemId: item.id, quantity: '1.005' }] } }, tokens.BILLING);
    expect(h.firstError(malformed).extensions.code).toBe('BAD_USER_INPUT');
    const foreignItem = await h.createItem(otherTokens.BILLING, {});
    const foreign = await app.gql(CREATE_INVOICE, { i: { patientId, items: [{ serviceCatalogItemId: foreignItem.id }] } }, tokens.BILLING);
    expect(h.firstError(foreign).extensions.code).toBe('NOT_FOUND');
    const retired = await h.createItem(tokens.BILLING, {});
    await h.ok(DEACTIVATE_ITEM, { i: { id: retired.id, version: 1 } }, tokens.BILLING);
    const inactive = await app.gql(CREATE_INVOICE, { i: { patientId, items: [{ serviceCatalogItemId: retired.id }] } }, tokens.BILLING);
    expect(h.firstError(inactive).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items.0.serviceCatalogItemId' });
    expect(await app.admin`select 1 from invoices where patient_id = ${patientId}`).toHaveLength(0);
  });

  it('refuses another organization\'s patient, encounter and invoice with NOT_FOUND', async () => {
    const mine = await h.createPatient(org);
    const theirs = await h.createPatient(other);
    const theirEncounter = await h.createEncounter(other, theirs);
    const item = await h.createItem(tokens.BILLING, {});
    const patient = await app.gql(CREATE_INVOICE, { i: { patientId: theirs, items: [] } }, tokens.BILLING);
    expect(h.firstError(patient).extensions.code).toBe('NOT_FOUND');
    const encounter = await app.gql(CREATE_INVOICE, { i: { patientId: mine, encounterId: theirEncounter, items: [] } }, tokens.BILLING);
    expect(h.firstError(encounter).extensions.code).toBe('NOT_FOUND');
    const otherPatient = await h.createPatient(org);
    const otherPatientsEncounter = await h.createEncounter(org, otherPatient);
    const mismatch = await app.gql(CREATE_INVOICE, { i: { patientId: mine, encounterId: otherPatientsEncounter, items: [] } }, tokens.BILLING);
    expect(h.firstError(mismatch).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'encounterId' });

    const invoice = await h.issuedInvoice(tokens.BILLING, mine, [{ serviceCatalogItemId: item.id }]);
    expect((await app.gql(INVOICE, { id: invoice.id }, otherTokens.BILLING)).data?.invoice).toBeNull();
    for (const [query, input] of [
      [PAY, { invoiceId: invoice.id, amount: '1.00', method: 'CASH' }],
      [ISSUE, { id: invoice.id }],
      [VOID, { id: invoice.id, reason: 'x' }],
      [ADD_LINE, { invoiceId: invoice.id, serviceCatalogItemId: item.id }],
    ] as const) {
      const res = await app.gql(query, { i: input }, otherTokens.BILLING);
      expect(h.firstError(res).extensions.code, query.slice(0, 40)).toBe('NOT_FOUND');
    }
    const payment = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '1.00', method: 'CASH' } }, tokens.BILLING)).recordPayment.payment;
    const refund = await app.gql(REFUND, { i: { paymentId: payment.id, amount: '1.00', reason: 'x' } }, otherTokens.BILLING);
    expect(h.firstError(refund).extensions.code).toBe('NOT_FOUND');
    const [row] = await app.admin`select amount_paid::text, amount_refunded::text from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ amount_paid: '1.00', amount_refunded: '0.00' });
  });

  it('voids only while the invoice holds no money', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '40.00' });
    const draft = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const blank = await app.gql(VOID, { i: { id: draft.id, reason: '  ' } }, tokens.BILLING);
    expect(h.firstError(blank).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const voided = (await h.ok(VOID, { i: { id: draft.id, reason: 'Duplicate' } }, tokens.BILLING)).voidInvoice.invoice;
    expect(voided).toMatchObject({ status: 'VOID', voidReason: 'Duplicate' });
    expect(voided.voidedAt).not.toBeNull();
    const payVoid = await app.gql(PAY, { i: { invoiceId: draft.id, amount: '1.00', method: 'CASH' } }, tokens.BILLING);
    expect(h.firstError(payVoid).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId' });
    expect(h.firstError(payVoid).message).toMatch(/VOID/);

    const issued = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    expect((await h.ok(VOID, { i: { id: issued.id, reason: 'Wrong patient' } }, tokens.BILLING)).voidInvoice.invoice.status).toBe('VOID');

    const paid = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    await h.ok(PAY, { i: { invoiceId: paid.id, amount: '40.00', method: 'CARD' } }, tokens.BILLING);
    const voidPaid = await app.gql(VOID, { i: { id: paid.id, reason: 'Too late' } }, tokens.BILLING);
    expect(h.firstError(voidPaid).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    // Issue 21 changed this: an invoice whose payments were all refunded holds no money and may be voided
    // (before, any payment ever made blocked voiding for good).
    const partly = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const p = (await h.ok(PAY, { i: { invoiceId: partly.id, amount: '10.00', method: 'CARD' } }, tokens.BILLING)).recordPayment.payment;
    await h.ok(REFUND, { i: { paymentId: p.id, amount: '5.00', reason: 'Card error' } }, tokens.BILLING);
    const voidHolding = await app.gql(VOID, { i: { id: partly.id, reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(voidHolding).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', held: '5.00' });
    await h.ok(REFUND, { i: { paymentId: p.id, amount: '5.00', reason: 'Card error' } }, tokens.BILLING);
    const voidRefunded = (await h.ok(VOID, { i: { id: partly.id, reason: 'x' } }, tokens.BILLING)).voidInvoice.invoice;
    expect(voidRefunded).toMatchObject({ status: 'VOID', balanceDue: '0.00' });
    const [row] = await app.admin`select status from invoices where id = ${paid.invoiceId}`;
    expect(row!.status).toBe('PAID');
  });
});

describe('payments and refunds', () => {
  it('takes payments up to the balance: ISSUED → PARTIALLY_PAID → PAID, refusing drafts and overpayment', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '100.00', taxRatePercent: '16.00' });
    const draft = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const payDraft = await app.gql(PAY, { i: { invoiceId: draft.id, amount: '1.00', method: 'CASH' } }, tokens.BILLING);
    expect(h.firstError(payDraft).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId' });
    expect(h.firstError(payDraft).message).toMatch(/DRAFT/);
    const invoice = (await h.ok(ISSUE, { i: { id: draft.id } }, tokens.BILLING)).issueInvoice.invoice;
    expect(invoice.total).toBe('116.00');

    for (const amount of ['-5.00', '0.00', '0']) {
      const res = await app.gql(PAY, { i: { invoiceId: invoice.id, amount, method: 'CASH' } }, tokens.BILLING);
      expect(h.firstError(res).extensions, amount).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    }
    for (const amount of ['1.001', 'ten', 10, '1,000.00', '']) {
      const res = await app.gql(PAY, { i: { invoiceId: invoice.id, amount, method: 'CASH' } }, tokens.BILLING);
      expect(h.firstError(res).extensions.code, String(amount)).toBe('BAD_USER_INPUT');
    }
    const badMethod = await app.gql(PAY, { i: { invoiceId: invoice.id, amount: '1.00', method: 'BITCOIN' } }, tokens.BILLING);
    expect(h.firstError(badMethod).extensions.code).toBe('BAD_USER_INPUT');

    const first = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '16.00', method: 'MOBILE_MONEY', reference: 'MM-123' } }, tokens.BILLING)).recordPayment;
    expect(first).toMatchObject({
      replayed: false,
      payment: { kind: 'PAYMENT', amount: '16.00', method: 'MOBILE_MONEY', reference: 'MM-123', refundedAmount: '0.00', refundableAmount: '16.00', receivedBy: { userId: org.users.BILLING.id } },
      invoice: { status: 'PARTIALLY_PAID', amountPaid: '16.00', balanceDue: '100.00' },
    });
    const over = await app.gql(PAY, { i: { invoiceId: invoice.id, amount: '100.01', method: 'CASH' } }, tokens.BILLING);
    expect(h.firstError(over).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount', balanceDue: '100.00' });
    const rest = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '100.00', method: 'CASH' } }, tokens.BILLING)).recordPayment;
    expect(rest.invoice).toMatchObject({ status: 'PAID', amountPaid: '116.00', balanceDue: '0.00' });
    const afterPaid = await app.gql(PAY, { i: { invoiceId: invoice.id, amount: '0.01', method: 'CASH' } }, tokens.BILLING);
    expect(h.firstError(afterPaid).extensions.code).toBe('BAD_USER_INPUT');

    const read = (await h.ok(INVOICE, { id: invoice.id }, tokens.FRONT_DESK)).invoice;
    expect(read.payments.map((p: any) => [p.amount, p.method])).toEqual([['16.00', 'MOBILE_MONEY'], ['100.00', 'CASH']]);
    const [sums] = await app.admin`select (select sum(amount)::text from payments where invoice_id = ${invoice.invoiceId}) as paid, amount_paid::text from invoices where id = ${invoice.invoiceId}`;
    expect(sums).toEqual({ paid: '116.00', amount_paid: '116.00' });
  });

  it('refunds at most what was paid on a payment: PARTIALLY_REFUNDED, then REFUNDED, the refunded balance due again', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '300.00' });
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const a = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '200.00', method: 'CARD' } }, tokens.BILLING)).recordPayment.payment;
    const b = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '100.00', method: 'CASH' } }, tokens.BILLING)).recordPayment.payment;

    const tooMuch = await app.gql(REFUND, { i: { paymentId: b.id, amount: '100.01', reason: 'Overcharge' } }, tokens.BILLING);
    expect(h.firstError(tooMuch).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount', refundable: '100.00' });
    const noReason = await app.gql(REFUND, { i: { paymentId: b.id, amount: '1.00', reason: '' } }, tokens.BILLING);
    expect(h.firstError(noReason).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const negative = await app.gql(REFUND, { i: { paymentId: b.id, amount: '-1.00', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(negative).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });

    const partial = (await h.ok(REFUND, { i: { paymentId: a.id, amount: '50.00', reason: 'Test not done' } }, tokens.BILLING)).refundPayment;
    expect(partial).toMatchObject({
      replayed: false,
      refund: { kind: 'REFUND', amount: '50.00', method: 'CARD', reason: 'Test not done', refundOf: { paymentId: a.paymentId }, refundableAmount: '0.00' },
      payment: { refundedAmount: '50.00', refundableAmount: '150.00' },
      invoice: { status: 'PARTIALLY_REFUNDED', amountPaid: '300.00', amountRefunded: '50.00', balanceDue: '50.00' },
    });
    const refundOfRefund = await app.gql(REFUND, { i: { paymentId: partial.refund.id, amount: '1.00', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(refundOfRefund).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'paymentId' });
    const exceedsA = await app.gql(REFUND, { i: { paymentId: a.id, amount: '150.01', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(exceedsA).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    // Issue 21 changed this: the refunded 50.00 is due again and payable (before, refunds closed the invoice),
    // but never more than the balance.
    const payOver = await app.gql(PAY, { i: { invoiceId: invoice.id, amount: '50.01', method: 'CASH' } }, tokens.BILLING);
    expect(h.firstError(payOver).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount', balanceDue: '50.00' });

    await h.ok(REFUND, { i: { paymentId: a.id, amount: '150.00', reason: 'Rest' } }, tokens.BILLING);
    const last = (await h.ok(REFUND, { i: { paymentId: b.id, amount: '100.00', reason: 'Rest' } }, tokens.BILLING)).refundPayment;
    expect(last.invoice).toMatchObject({ status: 'REFUNDED', amountPaid: '300.00', amountRefunded: '300.00', balanceDue: '300.00' });

    const read = await h.ok(`query($id: ID!) { payment(id: $id) { refundedAmount refunds { amount } invoice { invoiceNumber } } }`, { id: a.id }, tokens.BILLING);
    expect(read.payment).toEqual({ refundedAmount: '200.00', refunds: [{ amount: '50.00' }, { amount: '150.00' }], invoice: { invoiceNumber: invoice.invoiceNumber } });
    const rows = await app.admin`select kind, sum(amount)::text as total from payments where invoice_id = ${invoice.invoiceId} group by kind order by kind`;
    expect(rows).toEqual([{ kind: 'PAYMENT', total: '300.00' }, { kind: 'REFUND', total: '300.00' }]);
    const actions = await app.admin`select action, count(*)::int as n from audit_log where action like 'payment.%' and entity_id in (select id from payments where invoice_id = ${invoice.invoiceId}) group by action order by action`;
    expect(actions).toEqual([{ action: 'payment.record', n: 2 }, { action: 'payment.refund', n: 3 }]);
  });

  it('a failure at the end of the transaction leaves neither the payment nor a changed invoice', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '20.00' });
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    await app.admin`alter table audit_log add constraint reject_payment_record check (action <> 'payment.record') not valid`;
    try {
      const res = await app.gql(PAY, { i: { invoiceId: invoice.id, amount: '5.00', method: 'CASH', idempotencyKey: 'ghost-1' } }, tokens.BILLING);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_payment_record`;
    }
    expect(await app.admin`select 1 from payments where invoice_id = ${invoice.invoiceId}`).toHaveLength(0);
    const [row] = await app.admin`select status, amount_paid::text, version from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ status: 'ISSUED', amount_paid: '0.00', version: 2 });
    // The key was not consumed: the retry records the payment.
    const retry = await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '5.00', method: 'CASH', idempotencyKey: 'ghost-1' } }, tokens.BILLING);
    expect(retry.recordPayment).toMatchObject({ replayed: false, invoice: { amountPaid: '5.00' } });
  });
});

describe('decimal exactness', () => {
  it('0.10 + 0.20 is exactly 0.30, on the invoice and in payments', async () => {
    const patientId = await h.createPatient(org);
    const ten = await h.createItem(tokens.BILLING, { unitPrice: '0.10' });
    const twenty = await h.createItem(tokens.BILLING, { unitPrice: '0.20' });
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: ten.id }, { serviceCatalogItemId: twenty.id }]);
    expect(invoice).toMatchObject({ subtotal: '0.30', total: '0.30', balanceDue: '0.30' });
    await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '0.10', method: 'CASH' } }, tokens.BILLING);
    const paid = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '0.20', method: 'CASH' } }, tokens.BILLING)).recordPayment.invoice;
    expect(paid).toMatchObject({ status: 'PAID', amountPaid: '0.30', balanceDue: '0.00' });
  });

  it('9,999,999.99 survives the round trip exactly, and tax rounds half-up per line', async () => {
    const patientId = await h.createPatient(org);
    const big = await h.createItem(tokens.BILLING, { unitPrice: '9999999.99' });
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: big.id }]);
    expect(invoice).toMatchObject({ subtotal: '9999999.99', total: '9999999.99', balanceDue: '9999999.99' });
    const paid = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '9999999.98', method: 'BANK_TRANSFER' } }, tokens.BILLING)).recordPayment;
    expect(paid.invoice).toMatchObject({ amountPaid: '9999999.98', balanceDue: '0.01' });
    const balance = await h.ok(`query($id: ID!) { patient(id: $id) { balance } }`, { id: patientId }, tokens.BILLING);
    expect(balance.patient.balance).toBe('0.01');
    const [row] = await app.admin`select total::text, amount_paid::text from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ total: '9999999.99', amount_paid: '9999999.98' });

    // 0.05 × 1.5 = 0.075 → 0.08; tax 16 % of 0.08 = 0.0128 → 0.01.
    const odd = await h.createItem(tokens.BILLING, { unitPrice: '0.05', taxRatePercent: '16.00' });
    const rounded = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: odd.id, quantity: '1.5' }]);
    expect(rounded.lineItems[0]).toMatchObject({ amount: '0.08', taxAmount: '0.01', lineTotal: '0.09' });
    expect(rounded.total).toBe('0.09');
  });
});

describe('relations', () => {
  it('Patient.invoices(status:), Patient.balance, Encounter.invoices, Invoice.lineItems and Invoice.payments', async () => {
    const patientId = await h.createPatient(org, 'Relations');
    const encounterId = await h.createEncounter(org, patientId);
    const item = await h.createItem(tokens.BILLING, { unitPrice: '25.00' });
    const a = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }]);
    const b = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id, quantity: '2' }], { encounterId });
    const c = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id, quantity: '4' }]);
    await h.ok(PAY, { i: { invoiceId: c.id, amount: '30.00', method: 'CASH' } }, tokens.BILLING);

    const res = await h.ok(
      `query($id: ID!) { patient(id: $id) { balance
          open: invoices(status: [ISSUED, PARTIALLY_PAID]) { totalCount edges { node { invoiceNumber balanceDue } } }
          all: invoices(first: 2) { totalCount edges { node { invoiceNumber } } pageInfo { hasNextPage } } } }`,
      { id: patientId },
      tokens.FRONT_DESK,
    );
    expect(res.patient.balance).toBe('95.00');
    expect(res.patient.open.totalCount).toBe(2);
    expect(res.patient.open.edges.map((e: any) => e.node.invoiceNumber)).toEqual([c.invoiceNumber, a.invoiceNumber]);
    expect(res.patient.all).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(res.patient.all.edges.map((e: any) => e.node.invoiceNumber)).toEqual([c.invoiceNumber, b.invoiceNumber]);

    const enc = await h.ok(`query($id: ID!) { encounter(id: $id) { invoices { invoiceNumber encounterId } } }`, { id: encounterId }, tokens.ORG_ADMIN);
    expect(enc.encounter.invoices).toEqual([{ invoiceNumber: b.invoiceNumber, encounterId }]);
    const nurse = await app.gql(`query($id: ID!) { patient(id: $id) { balance } }`, { id: patientId }, tokens.NURSE);
    expect(h.firstError(nurse).extensions.code).toBe('FORBIDDEN');

    const node = await h.ok(`query($id: ID!) { node(id: $id) { ... on Invoice { invoiceNumber patient { patientId } lineItems { quantity } payments { amount } } } }`, { id: c.id }, tokens.BILLING);
    expect(node.node).toEqual({ invoiceNumber: c.invoiceNumber, patient: { patientId }, lineItems: [{ quantity: '4.00' }], payments: [{ amount: '30.00' }] });
    const overdueFilter = await h.ok(`query($p: ID!) { invoices(filter: { patientId: $p, overdue: false, status: [ISSUED] }) { totalCount } }`, { p: patientId }, tokens.BILLING);
    expect(overdueFilter.invoices.totalCount).toBe(1);
  });

  it('loads invoices, lines, payments and balances of many patients in a constant number of statements', async () => {
    const item = await h.createItem(tokens.BILLING, { unitPrice: '10.00' });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const patientId = await h.createPatient(org, `Batch${i}`);
      ids.push(patientId);
      const inv = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item.id }, { serviceCatalogItemId: item.id }]);
      await h.ok(PAY, { i: { invoiceId: inv.id, amount: '5.00', method: 'CASH' } }, tokens.BILLING);
    }
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Patient { balance invoices { totalCount edges { node {
      invoiceNumber createdBy { userId } lineItems { lineTotal serviceCatalogItem { code } } payments { amount receivedBy { userId } refunds { amount } } } } } } } }`;
    const statements = app.api.deps.db.statements;
    const count = async (n: number) => {
      const before = statements.count;
      const data = await h.ok(query, { ids: ids.slice(0, n).map((id) => toGlobalId('Patient', id)) }, tokens.BILLING);
      expect(data.nodes).toHaveLength(n);
      expect(data.nodes.every((p: any) => p.balance === '15.00' && p.invoices.edges[0].node.lineItems.length === 2)).toBe(true);
      return statements.count - before;
    };
    const one = await count(1);
    const six = await count(6);
    console.log(`statements per request: 1 patient → ${one}, 6 patients → ${six}`);
    expect(six).toBe(one);
  });
});
