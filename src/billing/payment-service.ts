import type { TenantContext } from '../context.js';
import { together } from '../kernel/db/together.js';
import { conflict, notFound } from '../kernel/errors.js';
import { afterWrite } from '../kernel/loaders.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { ledgerColumns, ledgerOf, pay, refund as refundLedger } from './invoice-accounting.js';
import * as invoices from './invoice-repository.js';
import { formatMoney, fromDatabase, money } from './money.js';
import * as payments from './payment-repository.js';

export interface PaymentResult {
  payment: payments.PaymentRow;
  invoice: invoices.InvoiceRow;
  replayed: boolean;
}

export interface RefundResult extends PaymentResult {
  refund: payments.PaymentRow;
}

/**
 * Another request inserted the same idempotency key between our look-up and
 * our insert (possible only across invoices: on one invoice the row lock
 * serialises them). The transaction is rolled back and run once more, which
 * then finds the committed row.
 */
class IdempotencyRace extends Error {}

function rethrowIdempotencyRace(error: unknown): never {
  if ((error as { constraint_name?: string }).constraint_name === 'payments_idempotency_key_unique') throw new IdempotencyRace();
  throw error;
}

async function retryOnIdempotencyRace<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IdempotencyRace) return run();
    throw error;
  }
}

const keyReused = () =>
  conflict('idempotencyKey was already used for a different payment or refund; use a new key for a new request', {
    field: 'idempotencyKey',
  });

const idempotencyKey = (value: string | null | undefined) => optionalText(value, 'idempotencyKey', 200) ?? null;

/**
 * Records a payment. The invoice row is locked first (`select … for update`),
 * so payments on one invoice run one after another: each sees the balance the
 * previous one left and is refused if it would exceed it. The same
 * idempotency key returns the payment recorded first and writes nothing.
 */
export async function recordPayment(
  ctx: TenantContext,
  input: { invoiceId: string; amount: string; method: string; reference?: string | null; idempotencyKey?: string | null },
): Promise<PaymentResult> {
  const amount = money(input.amount, 'amount');
  const reference = optionalText(input.reference, 'reference', 200) ?? null;
  const key = idempotencyKey(input.idempotencyKey);
  const write = retryOnIdempotencyRace(() =>
    ctx.session.write(async ({ tx, scope, audit }) => {
      const org = scope.organizationId;
      const invoice = await invoices.lockInvoice(tx, org, input.invoiceId);
      if (!invoice) throw notFound('Invoice', input.invoiceId);
      if (key) {
        const prior = await payments.paymentByIdempotencyKey(tx, org, key);
        if (prior) {
          const same = prior.kind === 'PAYMENT' && prior.invoiceId === invoice.id && fromDatabase(prior.amount) === amount && prior.method === input.method;
          if (!same) throw keyReused();
          return { payment: prior, invoice, replayed: true };
        }
      }
      const next = pay(ledgerOf(invoice), amount);
      // The payment and the invoice's new balance in one round trip (PostgreSQL still runs them in this order).
      const inserted = payments
        .insertPayment(tx, org, {
          invoiceId: invoice.id,
          patientId: invoice.patientId,
          amount: formatMoney(amount),
          currency: invoice.currency,
          method: input.method,
          kind: 'PAYMENT',
          refundOfPaymentId: null,
          reference,
          idempotencyKey: key,
          receivedBy: ctx.viewer.userId,
          reason: null,
        })
        .catch(rethrowIdempotencyRace);
      const [payment, after] = await together(inserted, invoices.updateInvoiceRow(tx, { ...invoice, ...ledgerColumns(next) }));
      audit({ action: 'payment.record', entityType: 'payment', entityId: payment.id, after: payment });
      return { payment, invoice: after, replayed: false };
    }),
  );
  return afterWrite(write, (r) => ctx.loaders.billingWritten({ invoices: [r.invoice], payments: [r.payment] }));
}

/**
 * Refunds part or all of a PAYMENT, never more than remains unrefunded on it.
 * Locks the invoice, then the payment, like every money movement.
 */
export async function refundPayment(
  ctx: TenantContext,
  input: { paymentId: string; amount: string; reason: string; idempotencyKey?: string | null },
): Promise<RefundResult> {
  const amount = money(input.amount, 'amount');
  const reason = requiredText(input.reason, 'reason', 1000);
  const key = idempotencyKey(input.idempotencyKey);
  const write = retryOnIdempotencyRace(() =>
    ctx.session.write(async ({ tx, scope, audit }) => {
      const org = scope.organizationId;
      const invoiceId = await payments.invoiceIdOfPayment(tx, org, input.paymentId);
      const invoice = invoiceId ? await invoices.lockInvoice(tx, org, invoiceId) : null;
      const payment = invoice ? await payments.lockPayment(tx, org, input.paymentId) : null;
      if (!invoice || !payment) throw notFound('Payment', input.paymentId);
      if (key) {
        const prior = await payments.paymentByIdempotencyKey(tx, org, key);
        if (prior) {
          const same = prior.kind === 'REFUND' && prior.refundOfPaymentId === payment.id && fromDatabase(prior.amount) === amount;
          if (!same) throw keyReused();
          return { refund: prior, payment, invoice, replayed: true };
        }
      }
      const refunded = fromDatabase(payment.refundedAmount);
      const paid = { kind: payment.kind, status: payment.status, amount: fromDatabase(payment.amount), refundedAmount: refunded };
      const next = refundLedger(ledgerOf(invoice), paid, amount);
      const refund = await payments
        .insertPayment(tx, org, {
          invoiceId: invoice.id,
          patientId: invoice.patientId,
          amount: formatMoney(amount),
          currency: payment.currency,
          method: payment.method,
          kind: 'REFUND',
          refundOfPaymentId: payment.id,
          reference: null,
          idempotencyKey: key,
          receivedBy: ctx.viewer.userId,
          reason,
        })
        .catch(rethrowIdempotencyRace);
      const paymentAfter = await payments.updateRefundedAmount(tx, payment, formatMoney(refunded + amount));
      const invoiceAfter = await invoices.updateInvoiceRow(tx, { ...invoice, ...ledgerColumns(next) });
      audit({ action: 'payment.refund', entityType: 'payment', entityId: refund.id, after: refund });
      return { refund, payment: paymentAfter, invoice: invoiceAfter, replayed: false };
    }),
  );
  return afterWrite(write, (r) => ctx.loaders.billingWritten({ invoices: [r.invoice], payments: [r.payment, r.refund] }));
}
