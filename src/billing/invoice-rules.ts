import { badInput } from '../kernel/errors.js';
import { formatMoney, type Cents } from './money.js';
import type { InvoiceAmounts } from './invoice-totals.js';

export type InvoiceStatus = 'DRAFT' | 'ISSUED' | 'PARTIALLY_PAID' | 'PAID' | 'VOID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

/**
 * The invoice life cycle: the only place that says which status may follow
 * which. Payment statuses follow from the amounts (`statusForAmounts`).
 *
 *   DRAFT → ISSUED → PARTIALLY_PAID → PAID
 *   DRAFT → PAID                         (issuing an invoice whose total is 0)
 *   DRAFT | ISSUED → VOID                (only while nothing was ever paid)
 *   PARTIALLY_PAID | PAID | PARTIALLY_REFUNDED → PARTIALLY_REFUNDED | REFUNDED
 *
 * Refund states are closed for payments: a refund gives money back, it does
 * not reopen the invoice for collection.
 */
const NEXT: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  DRAFT: ['ISSUED', 'PAID', 'VOID'],
  ISSUED: ['PARTIALLY_PAID', 'PAID', 'VOID'],
  PARTIALLY_PAID: ['PARTIALLY_PAID', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  PAID: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  REFUNDED: [],
  VOID: [],
};

/** Statuses whose balance is owed (receivables, `Patient.balance`, payments accepted). */
export const COLLECTABLE: readonly InvoiceStatus[] = ['ISSUED', 'PARTIALLY_PAID'];

/** Collectable, with a balance left, and past its due date (`today` in the organization's time zone). */
export function isOverdue(invoice: { status: string; balanceDue: Cents; dueDate: string | null }, today: string): boolean {
  return COLLECTABLE.includes(invoice.status as InvoiceStatus) && invoice.balanceDue > 0n && invoice.dueDate !== null && invoice.dueDate < today;
}

export function assertInvoiceTransition(from: string, to: InvoiceStatus, field = 'id'): void {
  if (!(NEXT[from as InvoiceStatus] ?? []).includes(to)) {
    throw badInput(`An invoice cannot go from ${from} to ${to}`, field, { from, to });
  }
}

/** Line items change only while the invoice is a DRAFT. */
export function assertEditable(status: string, field = 'invoiceId'): void {
  if (status !== 'DRAFT') {
    throw badInput(`Only DRAFT invoices can be edited; this invoice is ${status}`, field, { status });
  }
}

/** DRAFT → ISSUED (or PAID when there is nothing to pay); refuses an invoice without lines. */
export function statusOnIssue(status: string, lineCount: number, total: Cents): InvoiceStatus {
  const to: InvoiceStatus = total === 0n ? 'PAID' : 'ISSUED';
  assertInvoiceTransition(status, to);
  if (lineCount === 0) throw badInput('An invoice needs at least one line item before it is issued', 'id');
  return to;
}

/** VOID only while nothing was ever paid on the invoice. */
export function assertVoidable(status: string, amountPaid: Cents): void {
  if (amountPaid > 0n) {
    throw badInput('An invoice that has received payments cannot be voided; refund the payments instead', 'id', { status });
  }
  assertInvoiceTransition(status, 'VOID');
}

/** A payment is taken only on a collectable invoice and never beyond its balance due. */
export function assertPayable(status: string, balanceDue: Cents, amount: Cents): void {
  if (!COLLECTABLE.includes(status as InvoiceStatus)) {
    throw badInput(`Payments are accepted on ISSUED or PARTIALLY_PAID invoices; this invoice is ${status}`, 'invoiceId', { status });
  }
  if (amount > balanceDue) {
    throw badInput(`amount ${formatMoney(amount)} exceeds the balance due of ${formatMoney(balanceDue)}`, 'amount', {
      balanceDue: formatMoney(balanceDue),
    });
  }
}

/** A refund returns at most what is left unrefunded of one completed PAYMENT. */
export function assertRefundable(
  payment: { kind: string; status: string; amount: Cents; refundedAmount: Cents },
  amount: Cents,
): void {
  if (payment.kind !== 'PAYMENT') throw badInput('Only a PAYMENT can be refunded, not a REFUND', 'paymentId');
  if (payment.status !== 'COMPLETED') throw badInput(`This payment is ${payment.status} and cannot be refunded`, 'paymentId');
  const refundable = payment.amount - payment.refundedAmount;
  if (amount > refundable) {
    throw badInput(`amount ${formatMoney(amount)} exceeds what remains refundable on this payment (${formatMoney(refundable)})`, 'amount', {
      refundable: formatMoney(refundable),
    });
  }
}

/** The status of an issued invoice given its amounts (after a payment or refund). */
export function statusForAmounts(a: InvoiceAmounts): InvoiceStatus {
  if (a.amountRefunded > 0n) return a.amountRefunded === a.amountPaid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (a.amountPaid === 0n) return 'ISSUED';
  return a.amountPaid >= a.total ? 'PAID' : 'PARTIALLY_PAID';
}
