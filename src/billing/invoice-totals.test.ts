import { describe, expect, it } from 'vitest';
import {
  amountColumns,
  invoiceAmounts,
  lineColumns,
  priceLine,
  storedInvoiceAmounts,
  storedLineAmounts,
  type LineAmounts,
} from './invoice-totals.js';
import { hundredths, MAX_MONEY, MAX_QUANTITY } from './money.js';
import { refusedOn } from '../../test/helpers/refusals.js';

/** A line from the texts a client sends: quantity, unit price, discount, tax rate in basis points. */
const line = (qty: string, price: string, discount = '0', taxRateBp = 0n) => ({
  quantity: hundredths(qty, 'quantity'),
  unitPrice: hundredths(price, 'unitPrice'),
  discount: hundredths(discount, 'discount'),
  taxRateBp,
});

describe('priceLine', () => {
  it('prices quantity × unit price, less discount, plus tax on what remains', () => {
    expect(priceLine(line('2', '10.00', '5.00', 1600n))).toEqual({ amount: 2000n, discount: 500n, tax: 240n, lineTotal: 1740n });
  });

  it('rounds the gross amount half-up to the cent', () => {
    // 0.33 × 0.05 = 0.0165 → 0.02; 1.5 × 0.99 = 1.485 → 1.49; 0.5 × 0.01 = 0.005 → 0.01; 0.49 × 0.01 → 0.00
    expect(priceLine(line('0.33', '0.05')).amount).toBe(2n);
    expect(priceLine(line('1.5', '0.99')).amount).toBe(149n);
    expect(priceLine(line('0.5', '0.01')).amount).toBe(1n);
    expect(priceLine(line('0.49', '0.01')).amount).toBe(0n);
  });

  it('rounds tax half-up per line', () => {
    // 8.25 % of 0.06 = 0.00495 → 0.00; of 0.07 = 0.005775 → 0.01; of 1.00 = 0.0825 → 0.08
    expect(priceLine(line('1', '0.06', '0', 825n)).tax).toBe(0n);
    expect(priceLine(line('1', '0.07', '0', 825n)).tax).toBe(1n);
    expect(priceLine(line('1', '1.00', '0', 825n)).tax).toBe(8n);
    // tax applies after the discount: 16 % of (10.00 − 9.99)
    expect(priceLine(line('1', '10.00', '9.99', 1600n))).toEqual({ amount: 1000n, discount: 999n, tax: 0n, lineTotal: 1n });
  });

  it('accepts a discount of the whole amount (a free line)', () => {
    expect(priceLine(line('3', '4.00', '12.00', 1600n))).toEqual({ amount: 1200n, discount: 1200n, tax: 0n, lineTotal: 0n });
  });

  it('finding 13: allows a discount up to the line amount as shown (rounded) and names that amount when refusing', () => {
    expect(() => priceLine(line('3', '4.00', '12.01'))).toThrow(refusedOn('discount', /must not exceed the line amount, quantity × unit price = 12\.00$/));
    // 0.33 × 0.05 = 0.0165: the line amount is 0.02, so 0.02 off makes it free and 0.03 is refused naming 0.02.
    expect(priceLine(line('0.33', '0.05', '0.02'))).toEqual({ amount: 2n, discount: 2n, tax: 0n, lineTotal: 0n });
    expect(() => priceLine(line('0.33', '0.05', '0.03'))).toThrow(refusedOn('discount', /= 0\.02$/));
    // 1.5 × 0.05 = 0.075 → 0.08: the whole 0.08 may be discounted.
    expect(priceLine(line('1.5', '0.05', '0.08')).lineTotal).toBe(0n);
    expect(() => priceLine(line('1', '1.00', '2.00'), 'items.0.discount')).toThrow(refusedOn('items.0.discount'));
  });

  it('refuses a line whose amount exceeds numeric(12,2)', () => {
    const huge = { quantity: MAX_QUANTITY, unitPrice: MAX_MONEY, discount: 0n, taxRateBp: 0n };
    expect(() => priceLine(huge)).toThrow(refusedOn('quantity', /would exceed 9999999999\.99/));
    // Exactly at the maximum is fine; the tax on it is not.
    expect(priceLine(line('1', '9999999999.99')).lineTotal).toBe(MAX_MONEY);
    expect(() => priceLine(line('1', '9999999999.99', '0', 1n))).toThrow(refusedOn('quantity'));
  });
});

describe('lineColumns and storedLineAmounts', () => {
  it('writes the database text of a priced line', () => {
    const pricing = line('1.5', '0.99', '0.10', 1600n);
    const amounts = priceLine(pricing);
    expect(lineColumns(pricing, amounts)).toEqual({
      quantity: '1.50',
      unitPrice: '0.99',
      discount: '0.10',
      taxRate: '0.1600',
      taxAmount: '0.22', // 16 % of 1.39 = 0.2224
      lineTotal: '1.61',
    });
  });

  it('reads a stored line back to the amounts it was priced with', () => {
    const amounts = priceLine(line('2', '10.00', '5.00', 1600n));
    const columns = lineColumns(line('2', '10.00', '5.00', 1600n), amounts);
    expect(storedLineAmounts(columns)).toEqual(amounts);
  });
});

describe('invoiceAmounts', () => {
  const a: LineAmounts = { amount: 2000n, discount: 500n, tax: 240n, lineTotal: 1740n };
  const b: LineAmounts = { amount: 149n, discount: 0n, tax: 12n, lineTotal: 161n };

  it('sums the lines and derives the total (what is paid and due is invoice-accounting)', () => {
    expect(invoiceAmounts([a, b])).toEqual({ subtotal: 2149n, discountTotal: 500n, taxTotal: 252n, total: 1901n });
  });

  it('keeps total = subtotal − discountTotal + taxTotal = Σ lineTotal', () => {
    const totals = invoiceAmounts([a, b, a]);
    expect(totals.total).toBe(totals.subtotal - totals.discountTotal + totals.taxTotal);
    expect(totals.total).toBe(a.lineTotal * 2n + b.lineTotal);
  });

  it('is all zeros without lines', () => {
    expect(invoiceAmounts([])).toEqual({ subtotal: 0n, discountTotal: 0n, taxTotal: 0n, total: 0n });
  });

  it('refuses lines whose sum exceeds numeric(12,2)', () => {
    const big: LineAmounts = { amount: MAX_MONEY, discount: 0n, tax: 0n, lineTotal: MAX_MONEY };
    expect(invoiceAmounts([big]).total).toBe(MAX_MONEY);
    expect(() => invoiceAmounts([big, { amount: 1n, discount: 0n, tax: 0n, lineTotal: 1n }])).toThrow(refusedOn('items'));
    // The subtotal alone may not overflow either, even when discounts bring the total back down.
    expect(() => invoiceAmounts([big, { amount: 1n, discount: 1n, tax: 0n, lineTotal: 0n }])).toThrow(refusedOn('items'));
  });
});

describe('amountColumns and storedInvoiceAmounts', () => {
  it('round-trip', () => {
    const amounts = { subtotal: 100n, discountTotal: 0n, taxTotal: 16n, total: 116n };
    const columns = amountColumns(amounts);
    expect(columns).toEqual({ subtotal: '1.00', discountTotal: '0.00', taxTotal: '0.16', total: '1.16' });
    expect(storedInvoiceAmounts(columns)).toEqual(amounts);
  });
});
