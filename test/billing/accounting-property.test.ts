import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as adjustments from '../../src/billing/adjustment-service.js';
import { invoiceList } from '../../src/billing/invoice-repository.js';
import * as invoices from '../../src/billing/invoice-service.js';
import * as payments from '../../src/billing/payment-service.js';
import { receivablesAging } from '../../src/billing/report-service.js';
import { buildContext, requireViewer, type TenantContext } from '../../src/context.js';
import { DomainError } from '../../src/kernel/errors.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { billingHelpers, cents, decimal } from './billing-fixtures.js';

/**
 * Issue 21, "one accounting model": random sequences of issue / pay / refund /
 * adjust / void, run through the real services against the real database (one
 * request context per step, as the API builds them). After every step each
 * invariant of src/billing/invoice-accounting.ts is checked against
 * (a) a model written here from the issue's text, never from the server's code,
 * and (b) a recomputation in SQL from the payment, refund, adjustment and line
 * rows. BILLING_PROPERTY_RUNS raises the number of sequences (never below 1,000).
 */
const RUNS = Math.max(1000, Number(process.env.BILLING_PROPERTY_RUNS ?? 0) || 0);
/**
 * Sequences run in this many organizations at once, each its own fast-check
 * run of RUNS / WORKERS sequences: every write commits synchronously, so one
 * sequence at a time would spend the test waiting on WAL flushes. Each
 * organization's receivables are its own, so the organization-wide aging
 * check stays exact.
 */
const WORKERS = 8;

interface Tenant {
  org: TestOrganization;
  token: string;
  patientIds: string[];
  itemIds: string[];
}

let app: TestApp;
let tenants: Tenant[];

async function tenant(n: number): Promise<Tenant> {
  const org = await createOrganization(app.admin, `property21-${n}`);
  const token = (await login(app, org.users.BILLING.email)).accessToken;
  const h = billingHelpers(app);
  const patientIds = await Promise.all([1, 2, 3].map((p) => h.createPatient(org, `Property${p}`)));
  // 0.00 gives zero totals; 0.05 × 1.5 rounds; 33.33 at 16 % tax rounds the tax.
  const prices = [['0.00', '0'], ['0.05', '0'], ['10.00', '0'], ['33.33', '16.00'], ['100.00', '0']] as const;
  const itemIds: string[] = [];
  for (const [unitPrice, taxRatePercent] of prices) itemIds.push((await h.createItem(token, { unitPrice, taxRatePercent })).serviceCatalogItemId);
  return { org, token, patientIds, itemIds };
}

beforeAll(async () => {
  // One connection per organization at work, and a few spare.
  app = await createTestApp({ DATABASE_MAX_CONNECTIONS: String(WORKERS + 2) });
  tenants = await Promise.all(Array.from({ length: WORKERS }, (_, n) => tenant(n)));
}, 120_000);
afterAll(() => app.close());

/** One request of the tenant's BILLING user, as the API builds it. */
async function request<T>(t: Tenant, run: (ctx: TenantContext) => Promise<T>): Promise<T> {
  const ctx = requireViewer(
    await buildContext(app.api.deps, { authorization: `Bearer ${t.token}`, requestId: undefined, ip: null, userAgent: null }, { countRequest: false }),
  );
  try {
    return await run(ctx);
  } finally {
    await ctx.session.end();
  }
}

// ------------------------------------------------------------ the model, from the issue's text

interface Model {
  total: bigint;
  paid: bigint;
  refunded: bigint;
  adjusted: bigint;
  issued: boolean;
  voided: boolean;
  payments: { id: string; amount: bigint; refunded: bigint }[];
}

const balanceOf = (m: Pick<Model, 'total' | 'paid' | 'refunded' | 'adjusted' | 'voided'>) =>
  m.voided ? 0n : m.total - (m.paid - m.refunded) - m.adjusted;
const collectibleOf = (m: Model) => m.issued && !m.voided && balanceOf(m) > 0n;

function statusOf(m: Model): string {
  if (m.voided) return 'VOID';
  if (!m.issued) return 'DRAFT';
  if (balanceOf(m) === 0n) return m.adjusted > 0n ? 'ADJUSTED' : 'PAID';
  if (m.refunded > 0n) return m.refunded === m.paid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  return m.paid === 0n ? 'ISSUED' : 'PARTIALLY_PAID';
}

type Op =
  | { kind: 'issue'; pastDue: boolean }
  | { kind: 'pay'; percent: number }
  | { kind: 'refund'; which: number; percent: number }
  | { kind: 'adjust'; percent: number; adjustment: 'WRITE_OFF' | 'CREDIT_NOTE' }
  | { kind: 'void' };

/** A percentage of `base` (over 100 asks for too much), at least one cent. */
const part = (base: bigint, percent: number) => {
  const amount = (base * BigInt(percent)) / 100n;
  return amount > 0n ? amount : 1n;
};

const percent = fc.integer({ min: 1, max: 110 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('issue' as const), pastDue: fc.boolean() }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), percent }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), which: fc.nat(), percent }) },
  fc.record({ kind: fc.constant('adjust' as const), percent, adjustment: fc.constantFrom('WRITE_OFF' as const, 'CREDIT_NOTE' as const) }),
  fc.record({ kind: fc.constant('void' as const) }),
);
const line = fc.record({ item: fc.nat({ max: 4 }), quantity: fc.constantFrom('1', '1.5', '2') });
const scenario = fc.record({
  patient: fc.nat({ max: 2 }),
  lines: fc.array(line, { minLength: 1, maxLength: 2 }),
  // Usually issued first; sometimes the other operations meet a DRAFT.
  ops: fc.tuple(fc.boolean(), fc.array(op, { minLength: 1, maxLength: 4 })).map(([issueFirst, ops]) =>
    issueFirst ? [{ kind: 'issue', pastDue: ops.length % 2 === 0 } as Op, ...ops] : ops,
  ),
});

/** Runs one operation; returns whether the service accepted it (a refusal must be BAD_USER_INPUT). */
async function apply(ctx: TenantContext, invoiceId: string, m: Model, o: Op): Promise<{ accepted: boolean; expected: boolean }> {
  const refusedAs = async (expected: boolean, run: () => Promise<unknown>) => {
    try {
      await run();
      return { accepted: true, expected };
    } catch (error) {
      if (!(error instanceof DomainError) || error.extensions.code !== 'BAD_USER_INPUT') throw error;
      return { accepted: false, expected };
    }
  };
  const balance = balanceOf(m);
  switch (o.kind) {
    case 'issue': {
      const result = await refusedAs(!m.issued && !m.voided, () => invoices.issueInvoice(ctx, { id: invoiceId }));
      if (result.accepted) {
        m.issued = true;
        if (o.pastDue) await app.admin`update invoices set due_date = current_date - 3 where id = ${invoiceId}`;
      }
      return result;
    }
    case 'pay': {
      const amount = part(balance > 0n ? balance : 100n, o.percent);
      const result = await refusedAs(collectibleOf(m) && amount <= balance, async () => {
        const { payment } = await payments.recordPayment(ctx, { invoiceId, amount: decimal(amount), method: 'CASH' });
        m.payments.push({ id: payment.id, amount, refunded: 0n });
      });
      if (result.accepted) m.paid += amount;
      return result;
    }
    case 'refund': {
      const payment = m.payments[o.which % Math.max(1, m.payments.length)];
      if (!payment) return { accepted: false, expected: false };
      const refundable = payment.amount - payment.refunded;
      const amount = part(refundable > 0n ? refundable : 100n, o.percent);
      const wasIssued = m.issued && !m.voided;
      const result = await refusedAs(amount <= refundable, () =>
        payments.refundPayment(ctx, { paymentId: payment.id, amount: decimal(amount), reason: 'Property test' }),
      );
      if (result.accepted) {
        payment.refunded += amount;
        m.refunded += amount;
        // A refund never takes the remaining balance out of collection.
        if (wasIssued) expect(collectibleOf(m)).toBe(true);
      }
      return result;
    }
    case 'adjust': {
      const amount = part(balance > 0n ? balance : 100n, o.percent);
      const result = await refusedAs(collectibleOf(m) && amount <= balance, () =>
        adjustments.adjustInvoice(ctx, { invoiceId, kind: o.adjustment, amount: decimal(amount), reason: 'Property test' }),
      );
      if (result.accepted) m.adjusted += amount;
      return result;
    }
    case 'void': {
      const result = await refusedAs(!m.voided && m.paid === m.refunded, () => invoices.voidInvoice(ctx, { id: invoiceId, reason: 'Property test' }));
      if (result.accepted) m.voided = true;
      return result;
    }
  }
}

// ------------------------------------------------------------ the checks, against SQL

interface Recomputed {
  status: string;
  total: string;
  amountPaid: string;
  amountRefunded: string;
  amountAdjusted: string;
  balanceDue: string;
  collectible: boolean;
  linesTotal: string;
  paid: string;
  refunded: string;
  adjusted: string;
  issued: boolean;
  voided: boolean;
  patientOwes: string;
  patientOverdue: number;
}

/** The invoice as stored, and what its rows and its patient's other invoices add up to, recomputed from scratch. */
async function recompute(organizationId: string, invoiceId: string, patientId: string): Promise<Recomputed> {
  const [row] = await app.admin<Recomputed[]>`
    select i.status, i.total::text as total, i.amount_paid::text as "amountPaid", i.amount_refunded::text as "amountRefunded",
           i.amount_adjusted::text as "amountAdjusted", i.balance_due::text as "balanceDue",
           invoice_is_collectible(i.status) as collectible,
           (select coalesce(sum(line_total), 0)::numeric(14,2)::text from invoice_line_items where organization_id = i.organization_id and invoice_id = i.id) as "linesTotal",
           (select coalesce(sum(amount), 0)::numeric(14,2)::text from payments where organization_id = i.organization_id and invoice_id = i.id and kind = 'PAYMENT' and status = 'COMPLETED') as paid,
           (select coalesce(sum(amount), 0)::numeric(14,2)::text from payments where organization_id = i.organization_id and invoice_id = i.id and kind = 'REFUND' and status = 'COMPLETED') as refunded,
           (select coalesce(sum(amount), 0)::numeric(14,2)::text from invoice_adjustments where organization_id = i.organization_id and invoice_id = i.id) as adjusted,
           i.issued_at is not null as issued, i.voided_at is not null as voided,
           (select coalesce(sum(o.balance_due), 0)::numeric(14,2)::text from invoices o
             where o.organization_id = i.organization_id and o.patient_id = ${patientId} and o.issued_at is not null and o.voided_at is null and o.balance_due > 0) as "patientOwes",
           (select count(*)::int from invoices o
             where o.organization_id = i.organization_id and o.patient_id = ${patientId} and o.issued_at is not null and o.voided_at is null and o.balance_due > 0
               and o.due_date < current_date) as "patientOverdue"
    from invoices i where i.organization_id = ${organizationId} and i.id = ${invoiceId}`;
  return row!;
}

async function checkInvariants(ctx: TenantContext, invoiceId: string, patientId: string, m: Model) {
  const r = await recompute(ctx.session.scope.organizationId, invoiceId, patientId);
  const fromRows: Model = { ...m, total: cents(r.linesTotal), paid: cents(r.paid), refunded: cents(r.refunded), adjusted: cents(r.adjusted) };
  // The stored amounts are the sums of their rows, and the model's.
  expect([r.total, r.amountPaid, r.amountRefunded, r.amountAdjusted]).toEqual([r.linesTotal, r.paid, r.refunded, r.adjusted]);
  expect([cents(r.paid), cents(r.refunded), cents(r.adjusted), r.issued, r.voided]).toEqual([m.paid, m.refunded, m.adjusted, m.issued, m.voided]);
  // balance due = total − (paid − refunded) − adjustments, never negative, 0 when VOID; status a function of them.
  expect(cents(r.balanceDue)).toBe(balanceOf(fromRows));
  expect(cents(r.balanceDue) >= 0n).toBe(true);
  expect(r.status).toBe(statusOf(fromRows));
  expect(r.collectible).toBe(collectibleOf(fromRows));
  // This request's loaders (after its write) agree with the database: finding 5.
  const [invoice, balance, { today, timezone }] = await Promise.all([
    ctx.loaders.invoiceById.load(invoiceId),
    ctx.loaders.balanceOfPatient.load(patientId),
    ctx.loaders.billingClock(),
  ]);
  expect([invoice?.status, invoice?.balanceDue]).toEqual([r.status, r.balanceDue]);
  // Patient.balance = Σ balanceDue of collectible invoices; the overdue list counts the same invoices.
  expect(balance?.balance).toBe(r.patientOwes);
  const filter = { patientId, statuses: null, issuedFrom: null, issuedTo: null, overdue: true, today, timezone };
  const [overdue] = await ctx.session.read((tx) => invoiceList.count(tx, ctx.session.scope.organizationId, filter, null));
  expect(overdue?.count).toBe(r.patientOverdue);
}

/** Receivables aging counts exactly the collectible invoices of the organization. */
async function checkAging(ctx: TenantContext) {
  const [expected] = await app.admin<{ total: string; count: number }[]>`
    select coalesce(sum(balance_due), 0)::numeric(20,2)::text as total, count(*)::int as count from invoices
    where organization_id = ${ctx.session.scope.organizationId} and issued_at is not null and voided_at is null and balance_due > 0`;
  const aging = await receivablesAging(ctx, null);
  expect({ total: aging.total, count: aging.invoiceCount }).toEqual(expected);
}

describe('accounting invariants under random sequences (fast-check)', () => {
  it(`hold after every step of ${RUNS} random issue/pay/refund/adjust/void sequences`, async () => {
    const started = performance.now();
    let steps = 0;
    let sequences = 0;
    const runIn = (t: Tenant) =>
      fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const patientId = t.patientIds[s.patient]!;
          const items = s.lines.map((l) => ({ serviceCatalogItemId: t.itemIds[l.item]!, quantity: l.quantity }));
          const created = await request(t, (ctx) => invoices.createInvoice(ctx, { patientId, encounterId: null, items }));
          const m: Model = { total: cents(created.total), paid: 0n, refunded: 0n, adjusted: 0n, issued: false, voided: false, payments: [] };
          for (const o of s.ops) {
            await request(t, async (ctx) => {
              const { accepted, expected } = await apply(ctx, created.id, m, o);
              expect(accepted, JSON.stringify(o)).toBe(expected);
              await checkInvariants(ctx, created.id, patientId, m);
            });
            steps++;
          }
          await request(t, checkAging);
          sequences++;
        }),
        { numRuns: Math.ceil(RUNS / WORKERS) },
      );
    await Promise.all(tenants.map(runIn));
    expect(sequences).toBeGreaterThanOrEqual(RUNS);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`accounting property: ${sequences} sequences, ${steps} steps in ${seconds} s (${WORKERS} organizations at once)`);
  }, 600_000);
});
