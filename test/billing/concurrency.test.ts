import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitForLockWaits } from '../helpers/wait.js';
import { billingHelpers, cents, decimal, PAY, REFUND } from './billing-fixtures.js';

let app: TestApp;
let org: TestOrganization;
let token: string;
let h: ReturnType<typeof billingHelpers>;

beforeAll(async () => {
  // The default pool (5 connections): 50 requests queue for connections and for the invoice's row lock.
  app = await createTestApp();
  org = await createOrganization(app.admin, 'rush');
  token = (await login(app, org.users.BILLING.email)).accessToken;
  h = billingHelpers(app);
});
afterAll(() => app.close());

describe('concurrent payments on one invoice', () => {
  it('50 simultaneous payments: accepted ones never exceed the total, the rest are refused, amount_paid = Σ stored payments', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '1000.00' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    // Amounts 30.00, 30.01, …, 30.49: together 1,512.25 against a total of 1,000.00.
    const amounts = Array.from({ length: 50 }, (_, i) => decimal(3000n + BigInt(i)));
    const results = await Promise.all(
      amounts.map((amount) => app.gql(PAY, { i: { invoiceId: invoice.id, amount, method: 'CASH' } }, token)),
    );
    const accepted = results.filter((r) => r.data?.recordPayment);
    const refused = results.filter((r) => r.errors);
    expect(accepted.length + refused.length).toBe(50);
    for (const r of refused) expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(r.errors![0]!.extensions.code);
    const acceptedSum = accepted.reduce((sum, r) => sum + cents(r.data!.recordPayment.payment.amount), 0n);
    expect(acceptedSum).toBeLessThanOrEqual(cents('1000.00'));
    // Serialised, each payment saw the balance the previous one left: payments stop only when the next cannot fit.
    expect(accepted.length).toBeGreaterThanOrEqual(32);
    expect(cents('1000.00') - acceptedSum).toBeLessThan(cents('30.49'));
    console.log(`concurrent payments: ${accepted.length} accepted (${decimal(acceptedSum)}), ${refused.length} refused`);

    const [row] = await app.admin<{ amountPaid: string; balanceDue: string; status: string; stored: string; n: number }[]>`
      select i.amount_paid::text as "amountPaid", i.balance_due::text as "balanceDue", i.status,
             (select coalesce(sum(amount), 0)::text from payments p where p.invoice_id = i.id and p.kind = 'PAYMENT') as stored,
             (select count(*)::int from payments p where p.invoice_id = i.id) as n
      from invoices i where i.id = ${invoice.invoiceId}`;
    expect(row!.n).toBe(accepted.length);
    expect(cents(row!.stored)).toBe(acceptedSum);
    expect(cents(row!.amountPaid)).toBe(acceptedSum);
    expect(cents(row!.balanceDue)).toBe(cents('1000.00') - acceptedSum);
    expect(row!.status).toBe('PARTIALLY_PAID');
    // No payment was counted twice: every accepted response names a distinct stored payment.
    expect(new Set(accepted.map((r) => r.data!.recordPayment.payment.paymentId)).size).toBe(accepted.length);
  });

  it('50 simultaneous payments that exactly fit: all accepted only while the balance lasts, ending PAID at 0.00', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '0.70' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => app.gql(PAY, { i: { invoiceId: invoice.id, amount: '0.10', method: 'MOBILE_MONEY' } }, token)),
    );
    const accepted = results.filter((r) => r.data?.recordPayment);
    expect(accepted).toHaveLength(7);
    expect(results.filter((r) => r.errors?.[0]?.extensions.code === 'BAD_USER_INPUT')).toHaveLength(43);
    const [row] = await app.admin`select status, amount_paid::text, balance_due::text,
      (select sum(amount)::text from payments where invoice_id = ${invoice.invoiceId}) as stored from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ status: 'PAID', amount_paid: '0.70', balance_due: '0.00', stored: '0.70' });
  });
});

describe('concurrent invoice numbers', () => {
  it('50 simultaneous createInvoice calls get unique, gap-free numbers', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '5.00' });
    const [before] = await app.admin<{ value: string | null }[]>`
      select (select value::text from tenant_counters where organization_id = ${org.id} and name = 'invoice_number') as value`;
    const start = Number(before?.value ?? 0);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.gql(`mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { invoice { invoiceNumber } } }`, {
          i: { patientId, items: [{ serviceCatalogItemId: item.id }] },
        }, token),
      ),
    );
    const failures = results.filter((r) => r.errors);
    expect(failures, JSON.stringify(failures[0]?.errors)).toHaveLength(0);
    const numbers = results.map((r) => r.data!.createInvoice.invoice.invoiceNumber as string);
    expect(new Set(numbers).size).toBe(50);
    const seqs = numbers.map((n) => Number(n.replace('INV-', ''))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));
    const [counter] = await app.admin`select value::int from tenant_counters where organization_id = ${org.id} and name = 'invoice_number'`;
    expect(counter!.value).toBe(start + 50);
    const stored = await app.admin`select invoice_seq::int as seq from invoices where organization_id = ${org.id} order by invoice_seq`;
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: start + 50 }, (_, i) => i + 1));
  });

  it('a createInvoice that fails after taking a number gives it back', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '5.00' });
    const [before] = await app.admin`select value::int from tenant_counters where organization_id = ${org.id} and name = 'invoice_number'`;
    await app.admin`alter table audit_log add constraint reject_invoice_create check (action <> 'invoice.create') not valid`;
    try {
      const res = await app.gql(`mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { invoice { invoiceNumber } } }`, {
        i: { patientId, items: [{ serviceCatalogItemId: item.id }] },
      }, token);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_invoice_create`;
    }
    const [after] = await app.admin`select value::int from tenant_counters where organization_id = ${org.id} and name = 'invoice_number'`;
    expect(after!.value).toBe(before!.value);
    expect(await app.admin`select 1 from invoices where patient_id = ${patientId}`).toHaveLength(0);
    const next = await h.createInvoice(token, patientId, []);
    expect(next.invoiceNumber).toBe(`INV-${String(before!.value + 1).padStart(6, '0')}`);
  });
});

describe('idempotency', () => {
  it('a retried recordPayment with the same key returns the same payment and writes nothing new', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '100.00' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const input = { invoiceId: invoice.id, amount: '40.00', method: 'CARD', reference: 'AUTH-1', idempotencyKey: 'till-7:receipt-0001' };
    const first = (await h.ok(PAY, { i: input }, token)).recordPayment;
    const retry = (await h.ok(PAY, { i: input }, token)).recordPayment;
    expect(first.replayed).toBe(false);
    expect(retry.replayed).toBe(true);
    expect(retry.payment).toEqual(first.payment);
    expect(retry.invoice).toMatchObject({ amountPaid: '40.00', balanceDue: '60.00', version: first.invoice.version });
    const rows = await app.admin`select id from payments where invoice_id = ${invoice.invoiceId}`;
    expect(rows.map((r) => r.id)).toEqual([first.payment.paymentId]);
    const audits = await app.admin`select 1 from audit_log where action = 'payment.record' and entity_id = ${first.payment.paymentId}`;
    expect(audits).toHaveLength(1);

    const reused = await app.gql(PAY, { i: { ...input, amount: '41.00' } }, token);
    expect(h.firstError(reused).extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
  });

  it('10 simultaneous retries with one key record one payment and all return it', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '100.00' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const input = { invoiceId: invoice.id, amount: '25.00', method: 'CASH', idempotencyKey: 'burst-key' };
    const results = await Promise.all(Array.from({ length: 10 }, () => app.gql(PAY, { i: input }, token)));
    expect(results.filter((r) => r.errors)).toHaveLength(0);
    const ids = new Set(results.map((r) => r.data!.recordPayment.payment.paymentId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.data!.recordPayment.replayed)).toHaveLength(1);
    const [row] = await app.admin`select amount_paid::text, (select count(*)::int from payments where invoice_id = ${invoice.invoiceId}) as n from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ amount_paid: '25.00', n: 1 });
  });

  it('the same key raced on two invoices: one payment, the other request is CONFLICT', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '100.00' });
    const a = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const b = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    // Hold both invoices so the requests queue on their row locks and are released together: the two
    // invoices' transactions then look the key up at the same moment and race on the unique index.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const locker = app.admin.begin(async (tx) => {
      await tx`select id from invoices where id in (${a.invoiceId}, ${b.invoiceId}) for update`;
      locked();
      await held;
    });
    await isLocked;
    const pending = Promise.all(
      [a, b, a, b].map((inv) => app.gql(PAY, { i: { invoiceId: inv.id, amount: '10.00', method: 'CASH', idempotencyKey: 'shared-key' } }, token)),
    );
    await waitForLockWaits(app.admin, 4); // all four requests queue on the invoices' row locks
    release();
    await locker;
    const results = await pending;
    const winners = new Set(results.filter((r) => r.data).map((r) => r.data!.recordPayment.payment.paymentId));
    expect(winners.size).toBe(1);
    for (const r of results.filter((r) => r.errors)) expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    const [row] = await app.admin`select count(*)::int as n from payments where idempotency_key = 'shared-key'`;
    expect(row!.n).toBe(1);
  });

  it('a retried refund with the same key returns the first refund', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '100.00' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const payment = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '100.00', method: 'CARD' } }, token)).recordPayment.payment;
    const input = { paymentId: payment.id, amount: '30.00', reason: 'Lab test cancelled', idempotencyKey: 'refund-1' };
    const results = await Promise.all(Array.from({ length: 5 }, () => app.gql(REFUND, { i: input }, token)));
    expect(results.filter((r) => r.errors)).toHaveLength(0);
    expect(new Set(results.map((r) => r.data!.refundPayment.refund.paymentId)).size).toBe(1);
    const [row] = await app.admin`select amount_refunded::text, status from invoices where id = ${invoice.invoiceId}`;
    expect(row).toEqual({ amount_refunded: '30.00', status: 'PARTIALLY_REFUNDED' });
    const [p] = await app.admin`select refunded_amount::text from payments where id = ${payment.paymentId}`;
    expect(p!.refunded_amount).toBe('30.00');
  });

  it('concurrent refunds of one payment never exceed it', async () => {
    const patientId = await h.createPatient(org);
    const item = await h.createItem(token, { unitPrice: '100.00' });
    const invoice = await h.issuedInvoice(token, patientId, [{ serviceCatalogItemId: item.id }]);
    const payment = (await h.ok(PAY, { i: { invoiceId: invoice.id, amount: '100.00', method: 'CARD' } }, token)).recordPayment.payment;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => app.gql(REFUND, { i: { paymentId: payment.id, amount: '15.00', reason: 'Split' } }, token)),
    );
    expect(results.filter((r) => r.data)).toHaveLength(6);
    for (const r of results.filter((r) => r.errors)) expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    const [row] = await app.admin`select i.amount_refunded::text, p.refunded_amount::text,
        (select sum(amount)::text from payments where refund_of_payment_id = p.id) as refunds
      from invoices i join payments p on p.invoice_id = i.id and p.kind = 'PAYMENT' where i.id = ${invoice.invoiceId}`;
    expect(row).toEqual({ amount_refunded: '90.00', refunded_amount: '90.00', refunds: '90.00' });
  });
});
