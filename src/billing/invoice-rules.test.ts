import { describe, expect, it } from 'vitest';
import {
  assertEditable,
  assertInvoiceTransition,
  assertPayable,
  assertRefundable,
  assertVoidable,
  COLLECTABLE,
  statusForAmounts,
  statusOnIssue,
  type InvoiceStatus,
} from './invoice-rules.js';
import { invoiceAmounts } from './invoice-totals.js';

const refusedOn = (field: string, message?: RegExp) =>
  expect.objectContaining({
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

const STATUSES: InvoiceStatus[] = ['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID', 'PARTIALLY_REFUNDED', 'REFUNDED'];

/** Every allowed move of the invoice life cycle; anything else is refused. */
const ALLOWED = new Set([
  'DRAFT→ISSUED',
  'DRAFT→PAID',
  'DRAFT→VOID',
  'ISSUED→PARTIALLY_PAID',
  'ISSUED→PAID',
  'ISSUED→VOID',
  'PARTIALLY_PAID→PARTIALLY_PAID',
  'PARTIALLY_PAID→PAID',
  'PARTIALLY_PAID→PARTIALLY_REFUNDED',
  'PARTIALLY_PAID→REFUNDED',
  'PAID→PARTIALLY_REFUNDED',
  'PAID→REFUNDED',
  'PARTIALLY_REFUNDED→PARTIALLY_REFUNDED',
  'PARTIALLY_REFUNDED→REFUNDED',
]);

describe('assertInvoiceTransition', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}→${to}`)))('allows %s → %s', (from, to) => {
    expect(() => assertInvoiceTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}→${to}`)))('refuses %s → %s', (from, to) => {
    expect(() => assertInvoiceTransition(from, to)).toThrow(
      expect.objectContaining({
        message: `An invoice cannot go from ${from} to ${to}`,
        extensions: { code: 'BAD_USER_INPUT', field: 'id', from, to },
      }),
    );
  });

  it('refuses any move from a status it does not know, naming the given field', () => {
    expect(() => assertInvoiceTransition('ARCHIVED', 'ISSUED', 'invoiceId')).toThrow(refusedOn('invoiceId'));
  });
});

describe('assertEditable', () => {
  it('lets only a DRAFT change its lines', () => {
    expect(() => assertEditable('DRAFT')).not.toThrow();
    for (const status of STATUSES.filter((s) => s !== 'DRAFT')) {
      expect(() => assertEditable(status)).toThrow(refusedOn('invoiceId', new RegExp(`this invoice is ${status}$`)));
    }
    expect(() => assertEditable('ISSUED', 'lineItemId')).toThrow(refusedOn('lineItemId'));
  });
});

describe('statusOnIssue', () => {
  it('issues a draft with something to pay, and marks a zero-total draft PAID', () => {
    expect(statusOnIssue('DRAFT', 2, 1000n)).toBe('ISSUED');
    expect(statusOnIssue('DRAFT', 1, 0n)).toBe('PAID');
  });

  it('refuses a draft without lines', () => {
    expect(() => statusOnIssue('DRAFT', 0, 0n)).toThrow(refusedOn('id', /at least one line item/));
    expect(() => statusOnIssue('DRAFT', 0, 500n)).toThrow(refusedOn('id', /at least one line item/));
  });

  it('refuses to issue twice (the transition is checked before the lines)', () => {
    expect(() => statusOnIssue('ISSUED', 0, 1000n)).toThrow(refusedOn('id', /cannot go from ISSUED to ISSUED/));
    expect(() => statusOnIssue('VOID', 1, 0n)).toThrow(refusedOn('id', /cannot go from VOID to PAID/));
  });
});

describe('assertVoidable', () => {
  it('voids a DRAFT or ISSUED invoice nothing was paid on', () => {
    expect(() => assertVoidable('DRAFT', 0n)).not.toThrow();
    expect(() => assertVoidable('ISSUED', 0n)).not.toThrow();
  });

  it('refuses once anything was paid, pointing to refunds', () => {
    expect(() => assertVoidable('ISSUED', 1n)).toThrow(refusedOn('id', /refund the payments instead/));
    expect(() => assertVoidable('REFUNDED', 500n)).toThrow(refusedOn('id', /refund the payments instead/));
  });

  it('refuses statuses past collection even at zero paid', () => {
    expect(() => assertVoidable('PAID', 0n)).toThrow(refusedOn('id', /cannot go from PAID to VOID/));
    expect(() => assertVoidable('VOID', 0n)).toThrow(refusedOn('id', /cannot go from VOID to VOID/));
  });
});

describe('assertPayable', () => {
  it('takes payments only on collectable invoices', () => {
    expect(COLLECTABLE).toEqual(['ISSUED', 'PARTIALLY_PAID']);
    expect(() => assertPayable('ISSUED', 1000n, 1000n)).not.toThrow();
    expect(() => assertPayable('PARTIALLY_PAID', 1000n, 1n)).not.toThrow();
    for (const status of ['DRAFT', 'PAID', 'VOID', 'PARTIALLY_REFUNDED', 'REFUNDED']) {
      expect(() => assertPayable(status, 1000n, 1n)).toThrow(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'invoiceId', status } }),
      );
    }
  });

  it('refuses a cent more than the balance due, saying the balance', () => {
    expect(() => assertPayable('ISSUED', 1000n, 1001n)).toThrow(
      expect.objectContaining({
        message: 'amount 10.01 exceeds the balance due of 10.00',
        extensions: { code: 'BAD_USER_INPUT', field: 'amount', balanceDue: '10.00' },
      }),
    );
  });
});

describe('assertRefundable', () => {
  const payment = { kind: 'PAYMENT', status: 'COMPLETED', amount: 5000n, refundedAmount: 1000n };

  it('refunds up to what is left unrefunded', () => {
    expect(() => assertRefundable(payment, 4000n)).not.toThrow();
    expect(() => assertRefundable(payment, 4001n)).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'amount', refundable: '40.00' } }),
    );
  });

  it('refunds only completed payments, never a refund', () => {
    expect(() => assertRefundable({ ...payment, kind: 'REFUND' }, 1n)).toThrow(refusedOn('paymentId', /not a REFUND/));
    expect(() => assertRefundable({ ...payment, status: 'FAILED' }, 1n)).toThrow(refusedOn('paymentId', /This payment is FAILED/));
  });

  it('refuses any amount once fully refunded', () => {
    expect(() => assertRefundable({ ...payment, refundedAmount: 5000n }, 1n)).toThrow(refusedOn('amount', /\(0\.00\)/));
  });
});

describe('statusForAmounts', () => {
  const lines = [{ amount: 1000n, discount: 0n, tax: 0n, lineTotal: 1000n }];
  const at = (paid: bigint, refunded: bigint) => statusForAmounts(invoiceAmounts(lines, paid, refunded));

  it.each([
    [0n, 0n, 'ISSUED'],
    [1n, 0n, 'PARTIALLY_PAID'],
    [999n, 0n, 'PARTIALLY_PAID'],
    [1000n, 0n, 'PAID'],
    [1000n, 1n, 'PARTIALLY_REFUNDED'],
    [600n, 600n, 'REFUNDED'],
    [1000n, 1000n, 'REFUNDED'],
  ])('paid %s, refunded %s → %s', (paid, refunded, status) => {
    expect(at(paid, refunded)).toBe(status);
  });
});
