import { describe, expect, it } from 'vitest';
import {
  adjust,
  assertEditable,
  balanceDue,
  COLLECTIBLE,
  draftLedger,
  isCollectible,
  isOverdue,
  issue,
  ledgerColumns,
  pay,
  refund,
  statusOf,
  voidLedger,
  type InvoiceStatus,
  type Ledger,
} from './invoice-accounting.js';
import { refusedOn } from '../../test/helpers/refusals.js';

const STATUSES: InvoiceStatus[] = ['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'ADJUSTED'];
const issued = (total: bigint): Ledger => issue(draftLedger(total), 1);
const payment = (amount: bigint, refundedAmount = 0n) => ({ kind: 'PAYMENT', status: 'COMPLETED', amount, refundedAmount });

describe('statusOf and balanceDue (I2, I3)', () => {
  const at = (paid: bigint, refunded: bigint, adjusted = 0n, total = 1000n) =>
    ({ ...issued(total), amountPaid: paid, amountRefunded: refunded, amountAdjusted: adjusted }) as Ledger;

  it.each([
    [0n, 0n, 0n, 'ISSUED', 1000n],
    [1n, 0n, 0n, 'PARTIALLY_PAID', 999n],
    [1000n, 0n, 0n, 'PAID', 0n],
    [1000n, 1n, 0n, 'PARTIALLY_REFUNDED', 1n],
    [600n, 600n, 0n, 'REFUNDED', 1000n],
    [500n, 100n, 0n, 'PARTIALLY_REFUNDED', 600n],
    [1000n, 100n, 100n, 'ADJUSTED', 0n],
    [0n, 0n, 400n, 'ISSUED', 600n],
    [0n, 0n, 1000n, 'ADJUSTED', 0n],
    [1100n, 100n, 0n, 'PAID', 0n],
  ])('paid %s, refunded %s, adjusted %s → %s, %s due', (paid, refunded, adjusted, status, due) => {
    expect(statusOf(at(paid, refunded, adjusted))).toBe(status);
    expect(balanceDue(at(paid, refunded, adjusted))).toBe(due);
  });

  it('a draft is DRAFT, a zero total issued is PAID, anything voided is VOID with nothing due', () => {
    expect(statusOf(draftLedger(500n))).toBe('DRAFT');
    expect(statusOf(issued(0n))).toBe('PAID');
    const voided = voidLedger(issued(500n));
    expect([statusOf(voided), balanceDue(voided)]).toEqual(['VOID', 0n]);
  });

  it('collectible is exactly issued, not void, with a balance left (I4)', () => {
    expect(COLLECTIBLE).toEqual(['ISSUED', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
    for (const status of STATUSES) expect(isCollectible(status)).toBe(COLLECTIBLE.includes(status));
    expect(isOverdue({ status: 'REFUNDED', balanceDue: 100n, dueDate: '2026-01-01' }, '2026-01-02')).toBe(true);
    expect(isOverdue({ status: 'PAID', balanceDue: 0n, dueDate: '2026-01-01' }, '2026-01-02')).toBe(false);
    expect(isOverdue({ status: 'ISSUED', balanceDue: 100n, dueDate: '2026-01-02' }, '2026-01-02')).toBe(false);
  });

  it('ledgerColumns refuses to store a ledger that breaks the invariants', () => {
    expect(() => ledgerColumns({ ...issued(100n), amountPaid: 200n })).toThrow(/invariant/);
    expect(() => ledgerColumns({ ...issued(100n), amountPaid: 10n, amountRefunded: 20n })).toThrow(/invariant/);
    expect(ledgerColumns({ ...issued(10_000n), amountPaid: 5000n, amountRefunded: 1000n })).toEqual({
      status: 'PARTIALLY_REFUNDED',
      amountPaid: '50.00',
      amountRefunded: '10.00',
      amountAdjusted: '0.00',
      balanceDue: '60.00',
    });
  });
});

describe('finding 2: a refund never changes whether the rest is collectible', () => {
  it('pay 50 of 100, refund 10 → 60 due, further payments accepted, voidable once everything is refunded', () => {
    const paid = pay(issued(10_000n), 5000n);
    const refunded = refund(paid, payment(5000n), 1000n);
    expect([statusOf(refunded), balanceDue(refunded)]).toEqual(['PARTIALLY_REFUNDED', 6000n]);
    expect(statusOf(pay(refunded, 6000n))).toBe('PAID');
    expect(() => voidLedger(refunded)).toThrow(refusedOn('id', /holds 40\.00 of payments; refund them before voiding/));
    const allBack = refund(refunded, payment(5000n, 1000n), 4000n);
    expect([statusOf(allBack), balanceDue(allBack)]).toEqual(['REFUNDED', 10_000n]);
    expect(statusOf(voidLedger(allBack))).toBe('VOID');
  });

  it('pay 50, refund 50 → REFUNDED, collectible and voidable', () => {
    const back = refund(pay(issued(10_000n), 5000n), payment(5000n), 5000n);
    expect(isCollectible(statusOf(back))).toBe(true);
    expect(statusOf(voidLedger(back))).toBe('VOID');
  });
});

describe('finding 4: zero totals', () => {
  it('issue as PAID and can be voided', () => {
    const zero = issued(0n);
    expect(statusOf(zero)).toBe('PAID');
    expect(statusOf(voidLedger(zero))).toBe('VOID');
  });
});

describe('events', () => {
  it('issue: only a DRAFT with lines', () => {
    expect(() => issue(draftLedger(100n), 0)).toThrow(refusedOn('id', /at least one line item/));
    expect(() => issue(issued(100n), 1)).toThrow(refusedOn('id', /Only a DRAFT invoice can be issued; this invoice is ISSUED/));
  });

  it('pay: only while collectible, never beyond the balance', () => {
    expect(() => pay(draftLedger(1000n), 1n)).toThrow(refusedOn('invoiceId', /this invoice is DRAFT/));
    expect(() => pay(pay(issued(1000n), 1000n), 1n)).toThrow(refusedOn('invoiceId', /PAID/));
    expect(() => pay(issued(1000n), 1001n)).toThrow(
      expect.objectContaining({
        message: 'amount 10.01 exceeds the balance due of 10.00',
        extensions: { code: 'BAD_USER_INPUT', field: 'amount', balanceDue: '10.00' },
      }),
    );
  });

  it('refund: up to what is left unrefunded of a completed PAYMENT', () => {
    const l = pay(issued(5000n), 5000n);
    expect(() => refund(l, payment(5000n, 1000n), 4001n)).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'amount', refundable: '40.00' } }),
    );
    expect(() => refund(l, { ...payment(5000n), kind: 'REFUND' }, 1n)).toThrow(refusedOn('paymentId', /not a REFUND/));
    expect(() => refund(l, { ...payment(5000n), status: 'VOIDED' }, 1n)).toThrow(refusedOn('paymentId', /VOIDED/));
  });

  it('adjust: at most the balance of a collectible invoice; the rest leaves receivables as ADJUSTED', () => {
    const l = pay(issued(10_000n), 4000n);
    expect(() => adjust(l, 6001n)).toThrow(refusedOn('amount', /exceeds the balance due of 60\.00/));
    const adjusted = adjust(l, 6000n);
    expect([statusOf(adjusted), balanceDue(adjusted), isCollectible(statusOf(adjusted))]).toEqual(['ADJUSTED', 0n, false]);
    expect(() => adjust(adjusted, 1n)).toThrow(refusedOn('invoiceId', /ADJUSTED/));
    expect(() => adjust(draftLedger(100n), 1n)).toThrow(refusedOn('invoiceId', /DRAFT/));
  });

  it('void: never twice', () => {
    expect(() => voidLedger(voidLedger(issued(1n)))).toThrow(refusedOn('id', /already VOID/));
  });

  it('assertEditable: only a DRAFT changes its lines', () => {
    expect(() => assertEditable('DRAFT')).not.toThrow();
    for (const status of STATUSES.filter((s) => s !== 'DRAFT')) {
      expect(() => assertEditable(status)).toThrow(refusedOn('invoiceId', new RegExp(`this invoice is ${status}$`)));
    }
    expect(() => assertEditable('ISSUED', 'lineItemId')).toThrow(refusedOn('lineItemId'));
  });
});
