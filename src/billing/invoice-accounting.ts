import { badInput } from '../kernel/errors.js';
import { formatMoney, fromDatabase, MAX_MONEY, type Cents } from './money.js';

/**
 * The invoice accounting model: the one place that says what an invoice owes
 * and which state it is in. The migration that added adjustments restates
 * these invariants as CHECK constraints on `invoices` (SQL functions
 * `invoice_balance_due`, `invoice_status`, `invoice_is_collectible`), so a
 * mistake here fails the write instead of storing wrong money.
 *
 *   I1 0 ≤ refunded ≤ paid; net paid = paid − refunded; 0 ≤ adjusted
 *   I2 balance due = total − net paid − adjusted, never negative; 0 once VOID
 *   I3 status = statusOf(total, paid, refunded, adjusted, issued, voided), a pure function:
 *        voided → VOID · not issued → DRAFT
 *        balance 0 → ADJUSTED when anything was adjusted, else PAID (a zero total included)
 *        balance > 0 → REFUNDED (everything paid was returned), PARTIALLY_REFUNDED (some was),
 *                      ISSUED (nothing paid) or PARTIALLY_PAID
 *   I4 collectible = issued, not void, balance > 0 — exactly ISSUED, PARTIALLY_PAID,
 *      PARTIALLY_REFUNDED and REFUNDED. Payments are taken only while collectible and never beyond
 *      the balance. A refund raises the balance by what it returns and never changes whether the
 *      rest is collectible (pay 50 of 100, refund 10 → 60 due, still collectible).
 *   I5 an unpaid balance leaves receivables only through an adjustment (WRITE_OFF, CREDIT_NOTE) of
 *      at most the balance due, with a reason, under its own permission (billing:adjust), audited.
 *   I6 VOID: nothing due and no money held. Any invoice that is not VOID and holds no money (every
 *      payment refunded; a zero total included) may be voided.
 *   I7 Patient.balance = Σ balance due of collectible invoices; receivables aging and the overdue
 *      list count the same invoices (SQL `invoice_is_collectible`); overdue = collectible and past
 *      its due date.
 */
export type InvoiceStatus = 'DRAFT' | 'ISSUED' | 'PARTIALLY_PAID' | 'PAID' | 'VOID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'ADJUSTED';

/** What the status and balance are a function of. */
export interface Ledger {
  total: Cents;
  amountPaid: Cents;
  amountRefunded: Cents;
  amountAdjusted: Cents;
  issued: boolean;
  voided: boolean;
}

/** The invoice columns the ledger decides, as database text. */
export interface LedgerColumns {
  status: string;
  amountPaid: string;
  amountRefunded: string;
  amountAdjusted: string;
  balanceDue: string;
}

/** I4: the statuses whose balance is owed (receivables, `Patient.balance`, payments accepted). */
export const COLLECTIBLE: readonly InvoiceStatus[] = ['ISSUED', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'];

export const isCollectible = (status: string): boolean => COLLECTIBLE.includes(status as InvoiceStatus);

/** I2. */
export function balanceDue(l: Ledger): Cents {
  return l.voided ? 0n : l.total - (l.amountPaid - l.amountRefunded) - l.amountAdjusted;
}

/** I3. */
export function statusOf(l: Ledger): InvoiceStatus {
  if (l.voided) return 'VOID';
  if (!l.issued) return 'DRAFT';
  if (balanceDue(l) === 0n) return l.amountAdjusted > 0n ? 'ADJUSTED' : 'PAID';
  if (l.amountRefunded > 0n) return l.amountRefunded === l.amountPaid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  return l.amountPaid === 0n ? 'ISSUED' : 'PARTIALLY_PAID';
}

/** Collectible, with a balance left, and past its due date (`today` in the organization's time zone). */
export function isOverdue(invoice: { status: string; balanceDue: Cents; dueDate: string | null }, today: string): boolean {
  return isCollectible(invoice.status) && invoice.balanceDue > 0n && invoice.dueDate !== null && invoice.dueDate < today;
}

/** A stored invoice's ledger. */
export function ledgerOf(row: {
  total: string;
  amountPaid: string;
  amountRefunded: string;
  amountAdjusted: string;
  issuedAt: Date | null;
  voidedAt: Date | null;
}): Ledger {
  return {
    total: fromDatabase(row.total),
    amountPaid: fromDatabase(row.amountPaid),
    amountRefunded: fromDatabase(row.amountRefunded),
    amountAdjusted: fromDatabase(row.amountAdjusted),
    issued: row.issuedAt !== null,
    voided: row.voidedAt !== null,
  };
}

/** The columns to store for a ledger; a ledger that breaks I1/I2 is a bug, never stored. */
export function ledgerColumns(l: Ledger): LedgerColumns {
  const due = balanceDue(l);
  const broken = l.amountRefunded < 0n || l.amountRefunded > l.amountPaid || l.amountAdjusted < 0n || due < 0n || (l.voided && l.amountPaid !== l.amountRefunded);
  if (broken) throw new Error('invoice accounting invariant violated');
  return {
    status: statusOf(l),
    amountPaid: formatMoney(l.amountPaid),
    amountRefunded: formatMoney(l.amountRefunded),
    amountAdjusted: formatMoney(l.amountAdjusted),
    balanceDue: formatMoney(due),
  };
}

/** A new DRAFT of this total. */
export const draftLedger = (total: Cents): Ledger => ({ total, amountPaid: 0n, amountRefunded: 0n, amountAdjusted: 0n, issued: false, voided: false });

/** Line items change only while the invoice is a DRAFT. */
export function assertEditable(status: string, field = 'invoiceId'): void {
  if (status !== 'DRAFT') {
    throw badInput(`Only DRAFT invoices can be edited; this invoice is ${status}`, field, { status });
  }
}

/** DRAFT → issued (ISSUED, or PAID when the total is 0: still voidable, I6); refuses an invoice without lines. */
export function issue(l: Ledger, lineCount: number): Ledger {
  const status = statusOf(l);
  if (status !== 'DRAFT') throw badInput(`Only a DRAFT invoice can be issued; this invoice is ${status}`, 'id', { status });
  if (lineCount === 0) throw badInput('An invoice needs at least one line item before it is issued', 'id');
  return { ...l, issued: true };
}

/** I4: a payment of at most the balance due, on a collectible invoice. */
export function pay(l: Ledger, amount: Cents): Ledger {
  const status = statusOf(l);
  const due = balanceDue(l);
  if (!isCollectible(status)) {
    throw badInput(`Payments are accepted while an issued invoice has a balance due; this invoice is ${status} with ${formatMoney(due)} due`, 'invoiceId', {
      status,
    });
  }
  if (amount > due) {
    throw badInput(`amount ${formatMoney(amount)} exceeds the balance due of ${formatMoney(due)}`, 'amount', { balanceDue: formatMoney(due) });
  }
  if (l.amountPaid + amount > MAX_MONEY) throw badInput(`The invoice's payments would exceed ${formatMoney(MAX_MONEY)}`, 'amount');
  return { ...l, amountPaid: l.amountPaid + amount };
}

/** A refund returns at most what is left unrefunded of one completed PAYMENT; the balance grows by it (I4). */
export function refund(l: Ledger, payment: { kind: string; status: string; amount: Cents; refundedAmount: Cents }, amount: Cents): Ledger {
  if (payment.kind !== 'PAYMENT') throw badInput('Only a PAYMENT can be refunded, not a REFUND', 'paymentId');
  if (payment.status !== 'COMPLETED') throw badInput(`This payment is ${payment.status} and cannot be refunded`, 'paymentId');
  const refundable = payment.amount - payment.refundedAmount;
  if (amount > refundable) {
    throw badInput(`amount ${formatMoney(amount)} exceeds what remains refundable on this payment (${formatMoney(refundable)})`, 'amount', {
      refundable: formatMoney(refundable),
    });
  }
  return { ...l, amountRefunded: l.amountRefunded + amount };
}

/** I5: takes at most the balance due of a collectible invoice out of receivables. */
export function adjust(l: Ledger, amount: Cents): Ledger {
  const status = statusOf(l);
  const due = balanceDue(l);
  if (!isCollectible(status)) {
    throw badInput(`Only an issued invoice with a balance due can be adjusted; this invoice is ${status} with ${formatMoney(due)} due`, 'invoiceId', {
      status,
    });
  }
  if (amount > due) {
    throw badInput(`amount ${formatMoney(amount)} exceeds the balance due of ${formatMoney(due)}`, 'amount', { balanceDue: formatMoney(due) });
  }
  return { ...l, amountAdjusted: l.amountAdjusted + amount };
}

/** I6: VOID while the invoice holds no money; afterwards nothing is due. */
export function voidLedger(l: Ledger): Ledger {
  if (l.voided) throw badInput('This invoice is already VOID', 'id', { status: 'VOID' });
  const held = l.amountPaid - l.amountRefunded;
  if (held > 0n) {
    throw badInput(`This invoice holds ${formatMoney(held)} of payments; refund them before voiding it`, 'id', {
      status: statusOf(l),
      held: formatMoney(held),
    });
  }
  return { ...l, voided: true };
}
