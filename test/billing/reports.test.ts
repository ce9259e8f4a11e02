import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, login, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { lockWaiters, waitForLockWaits } from '../helpers/wait.js';
import { billingHelpers, cents, decimal, PAY, REFUND, VOID } from './billing-fixtures.js';

/**
 * Reports are checked against totals the test computes itself from the raw
 * rows (BigInt cents, time zone by Intl), never against the server's SQL.
 */
const TZ = 'Africa/Nairobi';
const FROM = '2026-01-01';
const TO = '2026-03-31';
const AS_OF = '2026-04-15';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let h: ReturnType<typeof billingHelpers>;

const REVENUE = `query($from: Date!, $to: Date!, $groupBy: RevenueGroupBy!) { revenueReport(from: $from, to: $to, groupBy: $groupBy) {
  from to groupBy timezone currency
  rows { key label invoiceCount billedSubtotal billedDiscount billedTax billedTotal paymentCount paymentsReceived refundsPaid netCollected }
  totals { invoiceCount billedSubtotal billedDiscount billedTax billedTotal paymentCount paymentsReceived refundsPaid netCollected } } }`;
const AGING = `query($asOf: Date) { receivablesAging(asOf: $asOf) { asOf currency invoiceCount total buckets { bucket invoiceCount amount } } }`;

/** Sets an invoice's issue time and due date, as if it had been issued then. */
async function backdate(invoiceId: string, issuedAt: string, dueDate?: string) {
  await app.admin`update invoices set issued_at = ${issuedAt}, due_date = coalesce(${dueDate ?? null}::date, due_date) where id = ${invoiceId}`;
}
async function receivedAt(paymentId: string, at: string) {
  await app.admin`update payments set received_at = ${at} where id = ${paymentId}`;
}

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'ledger');
  other = await createOrganization(app.admin, 'noise');
  await app.admin`update organizations set timezone = ${TZ} where id = ${org.id}`;
  tokens = await tokensByRole(app, org);
  h = billingHelpers(app);
  const token = tokens.BILLING;

  const [opd] = await app.admin`insert into departments (organization_id, name, code, department_type) values (${org.id}, 'Outpatients', 'OPD', 'OUTPATIENT') returning id`;
  const [lab] = await app.admin`insert into departments (organization_id, name, code, department_type) values (${org.id}, 'Laboratory', 'LAB', 'LABORATORY') returning id`;
  const cons = await h.createItem(token, { code: 'CONS', name: 'Consultation', unitPrice: '1500.00', taxRatePercent: '16.00', departmentId: opd!.id });
  const fbc = await h.createItem(token, { code: 'FBC', name: 'Full blood count', category: 'LABORATORY', unitPrice: '850.50', departmentId: lab!.id });
  const misc = await h.createItem(token, { code: 'MISC', name: 'Certificate', category: 'OTHER', unitPrice: '99.99', taxRatePercent: '8.00' });
  const p1 = await h.createPatient(org, 'Wekesa');
  const p2 = await h.createPatient(org, 'Njeri');

  const pay = async (invoiceId: string, amount: string, method: string, at: string) => {
    const payment = (await h.ok(PAY, { i: { invoiceId, amount, method } }, token)).recordPayment.payment;
    await receivedAt(payment.paymentId, at);
    return payment;
  };

  // 1: in range, paid by card.
  const i1 = await h.issuedInvoice(token, p1, [{ serviceCatalogItemId: cons.id }, { serviceCatalogItemId: fbc.id, quantity: '2', discount: '50.00' }]);
  await backdate(i1.invoiceId, '2026-01-05T08:00:00Z');
  await pay(i1.id, i1.total, 'CARD', '2026-01-05T09:00:00Z');
  // 2: issued 2025-12-31 21:30 UTC = 2026-01-01 00:30 Nairobi (in range); paid part 2026-01-31 21:30 UTC = 1 Feb local.
  const i2 = await h.issuedInvoice(token, p1, [{ serviceCatalogItemId: fbc.id }]);
  await backdate(i2.invoiceId, '2025-12-31T21:30:00Z', '2026-01-31');
  await pay(i2.id, '300.00', 'CASH', '2026-01-31T21:30:00Z');
  // 3: paid by mobile money and insurance, part of the mobile money refunded.
  const i3 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: misc.id, quantity: '3' }, { serviceCatalogItemId: cons.id }]);
  await backdate(i3.invoiceId, '2026-02-14T12:00:00Z');
  const mm = await pay(i3.id, '500.00', 'MOBILE_MONEY', '2026-02-15T06:00:00Z');
  await pay(i3.id, decimal(cents(i3.total) - cents('500.00')), 'INSURANCE', '2026-03-02T10:00:00Z');
  const refund = (await h.ok(REFUND, { i: { paymentId: mm.id, amount: '100.00', reason: 'Goodwill' } }, token)).refundPayment.refund;
  await receivedAt(refund.paymentId, '2026-03-03T10:00:00Z');
  // 4: issued 2026-03-31 21:30 UTC = 1 April local: out of range, like its payment.
  const i4 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: cons.id, quantity: '2' }]);
  await backdate(i4.invoiceId, '2026-03-31T21:30:00Z', '2026-04-30');
  await pay(i4.id, '100.00', 'CASH', '2026-03-31T21:30:00Z');
  // 5: issued 2025-12-31 20:00 UTC = 23:00 local: out of range.
  const i5 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: fbc.id }]);
  await backdate(i5.invoiceId, '2025-12-31T20:00:00Z', '2026-01-10');
  // 6: voided, 7: draft: never billed.
  const i6 = await h.issuedInvoice(token, p1, [{ serviceCatalogItemId: cons.id }]);
  await h.ok(VOID, { i: { id: i6.id, reason: 'Duplicate' } }, token);
  await backdate(i6.invoiceId, '2026-01-10T10:00:00Z');
  await h.createInvoice(token, p1, [{ serviceCatalogItemId: cons.id }]);
  // 8–10: unpaid, different ages; 11: issued after AS_OF.
  const i8 = await h.issuedInvoice(token, p1, [{ serviceCatalogItemId: misc.id }]);
  await backdate(i8.invoiceId, '2026-03-10T10:00:00Z', '2026-03-16');
  const i9 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: misc.id, quantity: '2' }]);
  await backdate(i9.invoiceId, '2026-02-01T10:00:00Z', '2026-03-15');
  const i10 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: fbc.id, quantity: '1.5' }]);
  await backdate(i10.invoiceId, '2026-01-02T10:00:00Z', '2026-01-15');
  const i11 = await h.issuedInvoice(token, p2, [{ serviceCatalogItemId: cons.id }]);
  await backdate(i11.invoiceId, '2026-04-20T10:00:00Z', '2026-05-20');

  // Another organization's money in the same range must not show up.
  const otherTokens = { BILLING: (await login(app, other.users.BILLING.email)).accessToken };
  const otherItem = await h.createItem(otherTokens.BILLING, { unitPrice: '777.77' });
  const otherInvoice = await h.issuedInvoice(otherTokens.BILLING, await h.createPatient(other), [{ serviceCatalogItemId: otherItem.id }]);
  await backdate(otherInvoice.invoiceId, '2026-01-05T08:00:00Z', '2026-01-06');
  const otherPayment = (await h.ok(PAY, { i: { invoiceId: otherInvoice.id, amount: '7.77', method: 'CASH' } }, otherTokens.BILLING)).recordPayment.payment;
  await receivedAt(otherPayment.paymentId, '2026-01-05T09:00:00Z');
});
afterAll(() => app.close());

// ---------------------------------------------------------------- independent computation

const localDay = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
function periodKey(day: string, groupBy: string): string {
  if (groupBy === 'DAY') return day;
  if (groupBy === 'MONTH') return `${day.slice(0, 7)}-01`;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
/** quantity × unit price, rounded half-up to the cent, from the raw text. */
const grossOf = (quantity: string, unitPrice: string) => (cents(quantity) * cents(unitPrice) + 50n) / 100n;

interface Acc {
  invoices: Set<string>;
  subtotal: bigint;
  discount: bigint;
  tax: bigint;
  total: bigint;
  payments: number;
  received: bigint;
  refunded: bigint;
  name?: string | null;
}
const acc = (): Acc => ({ invoices: new Set(), subtotal: 0n, discount: 0n, tax: 0n, total: 0n, payments: 0, received: 0n, refunded: 0n });

async function expectedRevenue(groupBy: string) {
  const lines = await app.admin<{ invoiceId: string; issuedAt: Date; quantity: string; unitPrice: string; discount: string; taxAmount: string;
    lineTotal: string; itemId: string | null; code: string | null; itemName: string | null; departmentId: string | null; departmentName: string | null }[]>`
    select i.id as "invoiceId", i.issued_at as "issuedAt", l.quantity::text as quantity, l.unit_price::text as "unitPrice",
           l.discount::text as discount, l.tax_amount::text as "taxAmount", l.line_total::text as "lineTotal",
           s.id as "itemId", s.code, s.name as "itemName", d.id as "departmentId", d.name as "departmentName"
    from invoices i join invoice_line_items l on l.invoice_id = i.id
    left join service_catalog s on s.id = l.service_catalog_item_id left join departments d on d.id = s.department_id
    where i.organization_id = ${org.id} and i.status not in ('DRAFT', 'VOID') and i.issued_at is not null`;
  const payments = await app.admin<{ kind: string; amount: string; method: string; receivedAt: Date }[]>`
    select kind, amount::text as amount, method, received_at as "receivedAt" from payments
    where organization_id = ${org.id} and status = 'COMPLETED'`;
  const inRange = (at: Date) => localDay(at) >= FROM && localDay(at) <= TO;
  const groups = new Map<string, Acc>();
  const totals = acc();
  const group = (key: string) => groups.get(key) ?? groups.set(key, acc()).get(key)!;
  for (const l of lines.filter((l) => inRange(l.issuedAt))) {
    const amounts = { subtotal: grossOf(l.quantity, l.unitPrice), discount: cents(l.discount), tax: cents(l.taxAmount), total: cents(l.lineTotal) };
    expect(amounts.subtotal - amounts.discount + amounts.tax).toBe(amounts.total);
    const targets = [totals];
    if (groupBy !== 'PAYMENT_METHOD') {
      const key = groupBy === 'SERVICE' ? (l.itemId ?? 'none') : groupBy === 'DEPARTMENT' ? (l.departmentId ?? 'none') : periodKey(localDay(l.issuedAt), groupBy);
      const g = group(key);
      g.name = groupBy === 'SERVICE' ? `${l.code} — ${l.itemName}` : groupBy === 'DEPARTMENT' ? l.departmentName : null;
      targets.push(g);
    }
    for (const t of targets) {
      t.invoices.add(l.invoiceId);
      t.subtotal += amounts.subtotal;
      t.discount += amounts.discount;
      t.tax += amounts.tax;
      t.total += amounts.total;
    }
  }
  for (const p of payments.filter((p) => inRange(p.receivedAt))) {
    const targets = [totals];
    if (['DAY', 'WEEK', 'MONTH', 'PAYMENT_METHOD'].includes(groupBy)) {
      targets.push(group(groupBy === 'PAYMENT_METHOD' ? p.method : periodKey(localDay(p.receivedAt), groupBy)));
    }
    for (const t of targets) {
      if (p.kind === 'PAYMENT') {
        t.payments += 1;
        t.received += cents(p.amount);
      } else t.refunded += cents(p.amount);
    }
  }
  const billed = groupBy !== 'PAYMENT_METHOD';
  const collected = ['DAY', 'WEEK', 'MONTH', 'PAYMENT_METHOD'].includes(groupBy);
  const shape = (g: Acc, b: boolean, c: boolean) => ({
    invoiceCount: b ? g.invoices.size : null,
    billedSubtotal: b ? decimal(g.subtotal) : null,
    billedDiscount: b ? decimal(g.discount) : null,
    billedTax: b ? decimal(g.tax) : null,
    billedTotal: b ? decimal(g.total) : null,
    paymentCount: c ? g.payments : null,
    paymentsReceived: c ? decimal(g.received) : null,
    refundsPaid: c ? decimal(g.refunded) : null,
    netCollected: c ? decimal(g.received - g.refunded) : null,
  });
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({ key, ...shape(g, billed, collected), ...(g.name ? { label: g.name } : {}) }));
  return { rows, totals: shape(totals, true, true) };
}

/** Statuses owing money, written out test-side (the server's list is invoice-accounting's COLLECTIBLE). */
const COLLECTIBLE = ['ISSUED', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'];

async function expectedAging() {
  const invoices = await app.admin<{ status: string; balanceDue: string; dueDate: string; issuedAt: Date }[]>`
    select status, balance_due::text as "balanceDue", due_date::text as "dueDate", issued_at as "issuedAt"
    from invoices where organization_id = ${org.id} and issued_at is not null`;
  const buckets = new Map<string, { invoiceCount: number; amount: bigint }>(
    ['DAYS_0_30', 'DAYS_31_60', 'DAYS_61_90', 'DAYS_OVER_90'].map((b) => [b, { invoiceCount: 0, amount: 0n }]),
  );
  for (const i of invoices) {
    // Collectible (issue 21): issued, not void, a balance left — refunded invoices included (invoice 3 owes its 100.00 refund).
    if (!COLLECTIBLE.includes(i.status) || cents(i.balanceDue) <= 0n || localDay(i.issuedAt) > AS_OF) continue;
    const days = dayNumber(AS_OF) - dayNumber(i.dueDate);
    const bucket = days <= 30 ? 'DAYS_0_30' : days <= 60 ? 'DAYS_31_60' : days <= 90 ? 'DAYS_61_90' : 'DAYS_OVER_90';
    buckets.get(bucket)!.invoiceCount += 1;
    buckets.get(bucket)!.amount += cents(i.balanceDue);
  }
  const list = [...buckets.entries()].map(([bucket, b]) => ({ bucket, invoiceCount: b.invoiceCount, amount: decimal(b.amount) }));
  return {
    buckets: list,
    invoiceCount: list.reduce((n, b) => n + b.invoiceCount, 0),
    total: decimal([...buckets.values()].reduce((s, b) => s + b.amount, 0n)),
  };
}

// ---------------------------------------------------------------- tests

describe('revenue report', () => {
  it.each(['DAY', 'WEEK', 'MONTH', 'SERVICE', 'DEPARTMENT', 'PAYMENT_METHOD'])('grouped by %s matches the raw rows', async (groupBy) => {
    const data = await h.ok(REVENUE, { from: FROM, to: TO, groupBy }, tokens.ANALYST);
    const report = data.revenueReport;
    const expected = await expectedRevenue(groupBy);
    expect(report).toMatchObject({ from: FROM, to: TO, groupBy, timezone: TZ, currency: 'USD' });
    expect(report.rows.length).toBeGreaterThan(1);
    expect(report.rows.map(({ label: _label, ...r }: any) => r)).toEqual(expected.rows.map(({ label: _label, ...r }) => r));
    for (const [i, row] of expected.rows.entries()) if (row.label) expect(report.rows[i].label).toBe(row.label);
    expect(report.totals).toEqual(expected.totals);
  });

  it('counts days in the organization\'s time zone', async () => {
    const months = (await h.ok(REVENUE, { from: FROM, to: TO, groupBy: 'MONTH' }, tokens.BILLING)).revenueReport;
    expect(months.rows.map((r: any) => r.label)).toEqual(['2026-01', '2026-02', '2026-03']);
    // Invoice 2 (00:30 on 1 January local) is billed in January; its payment (00:30 on 1 February local) is collected in February.
    const days = (await h.ok(REVENUE, { from: '2026-01-01', to: '2026-01-01', groupBy: 'DAY' }, tokens.BILLING)).revenueReport;
    expect(days.rows).toEqual([expect.objectContaining({ key: '2026-01-01', invoiceCount: 1, billedTotal: '850.50', paymentsReceived: '0.00' })]);
    expect(months.rows[0].billedTotal).not.toBe('0.00');
    const byMethod = (await h.ok(REVENUE, { from: FROM, to: TO, groupBy: 'PAYMENT_METHOD' }, tokens.BILLING)).revenueReport;
    expect(byMethod.rows.map((r: any) => r.key)).toEqual(['CARD', 'CASH', 'INSURANCE', 'MOBILE_MONEY']);
    expect(byMethod.rows.find((r: any) => r.key === 'MOBILE_MONEY')).toMatchObject({ paymentsReceived: '500.00', refundsPaid: '100.00', netCollected: '400.00', billedTotal: null });
  });

  it('refuses inverted or overlong ranges, and callers without reports:read', async () => {
    const inverted = await app.gql(REVENUE, { from: TO, to: FROM, groupBy: 'DAY' }, tokens.ANALYST);
    expect(h.firstError(inverted).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const long = await app.gql(REVENUE, { from: '2000-01-01', to: '2026-01-01', groupBy: 'DAY' }, tokens.ANALYST);
    expect(h.firstError(long).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    for (const role of ['FRONT_DESK', 'NURSE', 'PHYSICIAN'] as const) {
      const res = await app.gql(REVENUE, { from: FROM, to: TO, groupBy: 'DAY' }, tokens[role]);
      expect(h.firstError(res).extensions.code, role).toBe('FORBIDDEN');
    }
  });
});

describe('receivables aging', () => {
  it('buckets collectable balances by days past due and matches the raw rows', async () => {
    const report = (await h.ok(AGING, { asOf: AS_OF }, tokens.ANALYST)).receivablesAging;
    const expected = await expectedAging();
    expect(report).toEqual({ asOf: AS_OF, currency: 'USD', ...expected });
    // The arrangement covers every bucket.
    expect(report.buckets.every((b: any) => b.invoiceCount > 0)).toBe(true);
  });

  it('defaults asOf to today in the organization\'s time zone', async () => {
    const report = (await h.ok(AGING, {}, tokens.BILLING)).receivablesAging;
    expect(report.asOf).toBe(localDay(new Date()));
    const [row] = await app.admin<{ total: string }[]>`select sum(balance_due)::text as total from invoices
      where organization_id = ${org.id} and status = any(${COLLECTIBLE}::text[]) and balance_due > 0 and issued_at <= now()`;
    expect(report.total).toBe(row!.total);
  });
});

describe('report timeouts', () => {
  it('reports run under QUERY_TIMEOUT_LONG_MS, not QUERY_TIMEOUT_MS, and past it fail with TIMEOUT', async () => {
    const slow = await createTestApp({ QUERY_TIMEOUT_MS: '250', QUERY_TIMEOUT_LONG_MS: '4000' });
    try {
      const o = await createOrganization(slow.admin, 'slow');
      const token = (await login(slow, o.users.ANALYST.email)).accessToken;
      /** Holds an exclusive lock on `invoices` until released, so every read of it waits. */
      const holdInvoices = async () => {
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const done = slow.admin.begin(async (tx) => {
          await tx`lock table invoices in access exclusive mode`;
          locked();
          await released;
        });
        await isLocked;
        return async () => {
          release();
          await done;
        };
      };

      // The report waits on the lock first; a list query then waits behind it and is cut at QUERY_TIMEOUT_MS,
      // while the report, waiting since before it, still waits: its limit is the longer one.
      let release = await holdInvoices();
      let reportSettled = false;
      const reportRequest = slow.gql(AGING, { asOf: AS_OF }, token).finally(() => (reportSettled = true));
      await waitForLockWaits(slow.admin, 1);
      const list = await slow.gql(`{ invoices { totalCount } }`, {}, token);
      expect(list.errors?.[0]?.extensions.code).toBe('TIMEOUT');
      const reportStillWaiting = !reportSettled && (await lockWaiters(slow.admin, 'health-graphql')) === 1;
      await release();
      const report = await reportRequest;
      expect(reportStillWaiting).toBe(true);
      expect(report.errors, JSON.stringify(report.errors)).toBeUndefined();
      expect(report.data?.receivablesAging.total).toBe('0.00');

      // Held until the answer arrives: a report past QUERY_TIMEOUT_LONG_MS is cut short with TIMEOUT.
      release = await holdInvoices();
      const timedOut = await slow.gql(REVENUE, { from: FROM, to: TO, groupBy: 'MONTH' }, token);
      const waitingAfter = await lockWaiters(slow.admin, 'health-graphql');
      await release();
      expect(timedOut.errors?.[0]?.extensions.code).toBe('TIMEOUT');
      expect(timedOut.data).toBeNull();
      expect(waitingAfter).toBe(0);
    } finally {
      await slow.close();
    }
  }, 60_000);
});
