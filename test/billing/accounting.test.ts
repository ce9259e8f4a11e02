import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { billingHelpers, CREATE_INVOICE, INVOICE_FIELDS, ISSUE, PAY, REFUND, VOID } from './billing-fixtures.js';

/**
 * Issue 21, findings 2, 3, 4, 5 and 13: one accounting model for invoices
 * (src/billing/invoice-accounting.ts), adjustments, and loaders refreshed by
 * writes. Each organization here is this file's own, so its receivables are
 * exactly what the tests put there.
 */
let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let h: ReturnType<typeof billingHelpers>;
let item100: { id: string };

const ADJUST = `mutation($i: AdjustInvoiceInput!) { adjustInvoice(input: $i) {
  adjustment { adjustmentId invoiceId kind amount currency reason createdBy { userId } createdAt }
  invoice { ${INVOICE_FIELDS} amountAdjusted adjustments { kind amount reason } } } }`;
const BALANCES = `query($id: ID!) { patient(id: $id) { balance invoices(first: 100) { edges { node { status balanceDue } } } } }`;
const AGING = `{ receivablesAging { total invoiceCount } }`;
const OVERDUE = `query($p: ID!) { invoices(filter: { patientId: $p, overdue: true }) { totalCount edges { node { invoiceId balanceDue } } } }`;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'ledger21');
  tokens = await tokensByRole(app, org);
  h = billingHelpers(app);
  item100 = await h.createItem(tokens.BILLING, { unitPrice: '100.00' });
});
afterAll(() => app.close());

const pay = async (invoiceId: string, amount: string) =>
  (await h.ok(PAY, { i: { invoiceId, amount, method: 'CASH' } }, tokens.BILLING)).recordPayment;
const refund = async (paymentId: string, amount: string) =>
  (await h.ok(REFUND, { i: { paymentId, amount, reason: 'Returned' } }, tokens.BILLING)).refundPayment;
const pastDue = (invoiceId: string) => app.admin`update invoices set due_date = current_date - 5 where id = ${invoiceId}`;

describe('finding 2: a refund on a partly paid invoice does not write off the rest', () => {
  it('total 100, pay 50, refund 10: 60.00 due, collectible everywhere, payable, voidable once all is refunded', async () => {
    const patientId = await h.createPatient(org, 'Refunded');
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id }]);
    await pastDue(invoice.invoiceId);
    const agingBefore = (await h.ok(AGING, {}, tokens.BILLING)).receivablesAging;
    const paid = await pay(invoice.id, '50.00');
    const refunded = await refund(paid.payment.id, '10.00');
    expect(refunded.invoice).toMatchObject({ status: 'PARTIALLY_REFUNDED', balanceDue: '60.00', overdue: true });

    const balances = (await h.ok(BALANCES, { id: patientId }, tokens.BILLING)).patient;
    expect(balances.balance).toBe('60.00');
    const aging = (await h.ok(AGING, {}, tokens.BILLING)).receivablesAging;
    expect(Number(aging.total) - Number(agingBefore.total)).toBeCloseTo(60 - 100, 2);
    expect(aging.invoiceCount).toBe(agingBefore.invoiceCount);
    const overdue = (await h.ok(OVERDUE, { p: patientId }, tokens.BILLING)).invoices;
    expect(overdue).toEqual({ totalCount: 1, edges: [{ node: { invoiceId: invoice.invoiceId, balanceDue: '60.00' } }] });

    // Voiding refuses while money is held, naming what to refund.
    const voidHolding = await app.gql(VOID, { i: { id: invoice.id, reason: 'Wrong patient' } }, tokens.BILLING);
    expect(h.firstError(voidHolding)).toMatchObject({
      message: 'This invoice holds 40.00 of payments; refund them before voiding it',
      extensions: { code: 'BAD_USER_INPUT', field: 'id', held: '40.00' },
    });
    const more = await pay(invoice.id, '60.00');
    expect(more.invoice).toMatchObject({ status: 'PAID', balanceDue: '0.00', amountPaid: '110.00', amountRefunded: '10.00' });
  });

  it('pay 50, refund 50: REFUNDED, the 100.00 is due again and counted, and the invoice can be voided', async () => {
    const patientId = await h.createPatient(org, 'AllBack');
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id }]);
    const paid = await pay(invoice.id, '50.00');
    const back = await refund(paid.payment.id, '50.00');
    expect(back.invoice).toMatchObject({ status: 'REFUNDED', balanceDue: '100.00' });
    expect((await h.ok(BALANCES, { id: patientId }, tokens.BILLING)).patient.balance).toBe('100.00');
    const voided = (await h.ok(VOID, { i: { id: invoice.id, reason: 'Service not given' } }, tokens.BILLING)).voidInvoice.invoice;
    expect(voided).toMatchObject({ status: 'VOID', balanceDue: '0.00' });
    expect((await h.ok(BALANCES, { id: patientId }, tokens.BILLING)).patient.balance).toBe('0.00');
  });
});

describe('finding 3: balances agree', () => {
  it('Patient.balance is the sum of balanceDue of the collectible invoices; VOID owes 0; a full refund is owed again', async () => {
    const patientId = await h.createPatient(org, 'Mixed');
    const items = [{ serviceCatalogItemId: item100.id }];
    await h.createInvoice(tokens.BILLING, patientId, items); // DRAFT: not owed yet
    const voided = await h.issuedInvoice(tokens.BILLING, patientId, items);
    await h.ok(VOID, { i: { id: voided.id, reason: 'Duplicate' } }, tokens.BILLING);
    const paidInFull = await h.issuedInvoice(tokens.BILLING, patientId, items);
    const full = await pay(paidInFull.id, '100.00');
    const fullyRefunded = await refund(full.payment.id, '100.00');
    expect(fullyRefunded.invoice).toMatchObject({ status: 'REFUNDED', balanceDue: '100.00' });
    const partly = await h.issuedInvoice(tokens.BILLING, patientId, items);
    await pay(partly.id, '30.00');
    const writtenOff = await h.issuedInvoice(tokens.BILLING, patientId, items);
    await h.ok(ADJUST, { i: { invoiceId: writtenOff.id, kind: 'WRITE_OFF', amount: '100.00', reason: 'Hardship' } }, tokens.BILLING);

    const { patient } = await h.ok(BALANCES, { id: patientId }, tokens.BILLING);
    const byStatus = Object.fromEntries(patient.invoices.edges.map((e: any) => [e.node.status, e.node.balanceDue]));
    expect(byStatus).toEqual({ DRAFT: '100.00', VOID: '0.00', REFUNDED: '100.00', PARTIALLY_PAID: '70.00', ADJUSTED: '0.00' });
    expect(patient.balance).toBe('170.00');
    const [sql] = await app.admin<{ owed: string }[]>`
      select sum(balance_due)::text as owed from invoices
      where patient_id = ${patientId} and issued_at is not null and voided_at is null and balance_due > 0`;
    expect(sql!.owed).toBe('170.00');
  });

  it('the database refuses a row whose status or balance contradicts its amounts', async () => {
    const invoice = await h.issuedInvoice(tokens.BILLING, await h.createPatient(org), [{ serviceCatalogItemId: item100.id }]);
    await expect(app.admin`update invoices set status = 'PAID' where id = ${invoice.invoiceId}`).rejects.toThrow(/invoices_status_formula/);
    await expect(app.admin`update invoices set balance_due = 0 where id = ${invoice.invoiceId}`).rejects.toThrow(/invoices_balance_formula/);
    await expect(
      app.admin`update invoices set status = 'VOID', voided_at = now(), balance_due = 0, amount_paid = 10 where id = ${invoice.invoiceId}`,
    ).rejects.toThrow(/invoices_/);
  });
});

describe('finding 4: zero-total invoices', () => {
  it('issue as PAID (nothing due) and can be voided', async () => {
    const patientId = await h.createPatient(org, 'Free');
    const draft = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id, discount: '100.00' }]);
    expect(draft.total).toBe('0.00');
    const issued = (await h.ok(ISSUE, { i: { id: draft.id } }, tokens.BILLING)).issueInvoice.invoice;
    expect(issued).toMatchObject({ status: 'PAID', balanceDue: '0.00' });
    const voided = (await h.ok(VOID, { i: { id: draft.id, reason: 'Issued by mistake' } }, tokens.BILLING)).voidInvoice.invoice;
    expect(voided).toMatchObject({ status: 'VOID', balanceDue: '0.00' });
  });
});

describe('finding 5: writes refresh what the request has read', () => {
  it('two recordPayment of 10 in one document on a 100 invoice show 90.00 then 80.00, through every path', async () => {
    const patientId = await h.createPatient(org, 'OneDocument');
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id }]);
    const fields = `invoice { balanceDue payments { amount } patient { balance } }
      payment { invoice { balanceDue version } }`;
    const res = await h.ok(
      `mutation($i: RecordPaymentInput!) { a: recordPayment(input: $i) { ${fields} } b: recordPayment(input: $i) { ${fields} } }`,
      { i: { invoiceId: invoice.id, amount: '10.00', method: 'CASH' } },
      tokens.BILLING,
    );
    expect(res.a.invoice).toEqual({ balanceDue: '90.00', payments: [{ amount: '10.00' }], patient: { balance: '90.00' } });
    expect(res.b.invoice).toEqual({ balanceDue: '80.00', payments: [{ amount: '10.00' }, { amount: '10.00' }], patient: { balance: '80.00' } });
    expect(res.a.payment.invoice.balanceDue).toBe('90.00');
    expect(res.b.payment.invoice).toEqual({ balanceDue: '80.00', version: res.a.payment.invoice.version + 1 });
  });

  it('a refund, an adjustment and a payment in one document each see the previous one', async () => {
    const patientId = await h.createPatient(org, 'Chain');
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id }]);
    const paid = await pay(invoice.id, '40.00');
    const res = await h.ok(
      `mutation($r: RefundPaymentInput!, $w: AdjustInvoiceInput!) {
        r: refundPayment(input: $r) { payment { refundedAmount refunds { amount } invoice { balanceDue status } } }
        w: adjustInvoice(input: $w) { invoice { balanceDue } adjustment { invoiceId } }
        after: recordPayment(input: { invoiceId: "${invoice.id}", amount: "0.01", method: CASH }) { payment { invoice { balanceDue adjustments { amount } patient { balance } } } }
      }`,
      { r: { paymentId: paid.payment.id, amount: '40.00', reason: 'Back' }, w: { invoiceId: invoice.id, kind: 'CREDIT_NOTE', amount: '99.98', reason: 'Goodwill' } },
      tokens.BILLING,
    );
    expect(res.r.payment).toEqual({ refundedAmount: '40.00', refunds: [{ amount: '40.00' }], invoice: { balanceDue: '100.00', status: 'REFUNDED' } });
    expect(res.w.invoice.balanceDue).toBe('0.02');
    expect(res.after.payment.invoice).toEqual({ balanceDue: '0.01', adjustments: [{ amount: '99.98' }], patient: { balance: '0.01' } });
  });
});

describe('adjustments: the only way an unpaid balance leaves receivables', () => {
  it('writes off with a reason, audited, under billing:adjust; at most the balance; ADJUSTED when nothing is left', async () => {
    const patientId = await h.createPatient(org, 'WriteOff');
    const invoice = await h.issuedInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: item100.id }]);
    await pay(invoice.id, '25.00');
    for (const role of ['FRONT_DESK', 'NURSE', 'PHYSICIAN', 'ANALYST'] as const) {
      const res = await app.gql(ADJUST, { i: { invoiceId: invoice.id, kind: 'WRITE_OFF', amount: '1.00', reason: 'x' } }, tokens[role]);
      expect(h.firstError(res).extensions.code, role).toBe('FORBIDDEN');
    }
    const noReason = await app.gql(ADJUST, { i: { invoiceId: invoice.id, kind: 'WRITE_OFF', amount: '1.00', reason: ' ' } }, tokens.BILLING);
    expect(h.firstError(noReason).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const tooMuch = await app.gql(ADJUST, { i: { invoiceId: invoice.id, kind: 'WRITE_OFF', amount: '75.01', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(tooMuch).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount', balanceDue: '75.00' });

    const credit = (await h.ok(ADJUST, { i: { invoiceId: invoice.id, kind: 'CREDIT_NOTE', amount: '5.00', reason: 'Billing error' } }, tokens.ORG_ADMIN)).adjustInvoice;
    expect(credit.invoice).toMatchObject({ status: 'PARTIALLY_PAID', balanceDue: '70.00', amountAdjusted: '5.00' });
    const off = (await h.ok(ADJUST, { i: { invoiceId: invoice.id, kind: 'WRITE_OFF', amount: '70.00', reason: 'Bad debt' } }, tokens.BILLING)).adjustInvoice;
    expect(off.adjustment).toMatchObject({ kind: 'WRITE_OFF', amount: '70.00', currency: 'USD', reason: 'Bad debt', createdBy: { userId: org.users.BILLING.id } });
    expect(off.invoice).toMatchObject({
      status: 'ADJUSTED',
      balanceDue: '0.00',
      amountAdjusted: '75.00',
      adjustments: [
        { kind: 'CREDIT_NOTE', amount: '5.00', reason: 'Billing error' },
        { kind: 'WRITE_OFF', amount: '70.00', reason: 'Bad debt' },
      ],
    });
    const again = await app.gql(ADJUST, { i: { invoiceId: invoice.id, kind: 'WRITE_OFF', amount: '0.01', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(again).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId', status: 'ADJUSTED' });
    const audit = await app.admin`select actor_user_id, changes from audit_log where action = 'invoice.adjust' and entity_id = ${invoice.invoiceId} order by occurred_at`;
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ actor_user_id: org.users.BILLING.id, changes: { after: { balanceDue: '0.00', status: 'ADJUSTED' } } });
    expect((await h.ok(BALANCES, { id: patientId }, tokens.BILLING)).patient.balance).toBe('0.00');
  });

  it('refuses drafts and void invoices', async () => {
    const patientId = await h.createPatient(org);
    const draft = (await h.ok(CREATE_INVOICE, { i: { patientId, items: [{ serviceCatalogItemId: item100.id }] } }, tokens.BILLING)).createInvoice.invoice;
    const onDraft = await app.gql(ADJUST, { i: { invoiceId: draft.id, kind: 'WRITE_OFF', amount: '1.00', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(onDraft).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId', status: 'DRAFT' });
    await h.ok(VOID, { i: { id: draft.id, reason: 'x' } }, tokens.BILLING);
    const onVoid = await app.gql(ADJUST, { i: { invoiceId: draft.id, kind: 'WRITE_OFF', amount: '1.00', reason: 'x' } }, tokens.BILLING);
    expect(h.firstError(onVoid).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId', status: 'VOID' });
  });
});

describe('finding 13: a discount up to the line amount as shown', () => {
  it('1.5 × 0.05 shows 0.08: a 0.08 discount is accepted, 0.09 is refused naming 0.08', async () => {
    const patientId = await h.createPatient(org);
    const nickel = await h.createItem(tokens.BILLING, { unitPrice: '0.05' });
    const free = await h.createInvoice(tokens.BILLING, patientId, [{ serviceCatalogItemId: nickel.id, quantity: '1.5', discount: '0.08' }]);
    expect(free.lineItems[0]).toMatchObject({ amount: '0.08', discount: '0.08', lineTotal: '0.00' });
    const over = await app.gql(CREATE_INVOICE, { i: { patientId, items: [{ serviceCatalogItemId: nickel.id, quantity: '1.5', discount: '0.09' }] } }, tokens.BILLING);
    expect(h.firstError(over)).toMatchObject({
      message: 'items.0.discount must not exceed the line amount, quantity × unit price = 0.08',
      extensions: { code: 'BAD_USER_INPUT', field: 'items.0.discount', amount: '0.08' },
    });
  });
});
