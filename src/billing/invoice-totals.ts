import { badInput } from '../kernel/errors.js';
import { divideHalfUp, formatMoney, fromDatabase, lineAmount, MAX_MONEY, rateToDatabase, type Cents } from './money.js';

/**
 * The one place invoice amounts are computed, in integer cents. The database
 * CHECK constraints on `invoices` and `invoice_line_items` restate these
 * formulas, so a mistake here fails the write instead of storing wrong money:
 *
 *   line:    amount = round(quantity × unitPrice)          discount ≤ amount
 *            tax = round((amount − discount) × taxRate)    lineTotal = amount − discount + tax
 *   invoice: subtotal = Σ amount   discountTotal = Σ discount   taxTotal = Σ tax
 *            total = subtotal − discountTotal + taxTotal
 *
 * Rounding is half-up to the cent, per line (tax is charged per line), by
 * money.ts. What is paid, refunded, adjusted and due is invoice-accounting.ts.
 */

/** A line as priced when added: quantity in hundredths, money in cents, tax in basis points. */
export interface LinePricing {
  quantity: bigint;
  unitPrice: Cents;
  discount: Cents;
  taxRateBp: bigint;
}

export interface LineAmounts {
  amount: Cents;
  discount: Cents;
  tax: Cents;
  lineTotal: Cents;
}

/** The stored columns of a line, as database text. */
export interface LineColumns {
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
  taxAmount: string;
  lineTotal: string;
}

/** An invoice's totals, from its lines. */
export interface InvoiceAmounts {
  subtotal: Cents;
  discountTotal: Cents;
  taxTotal: Cents;
  total: Cents;
}

/** The invoice total columns, as database text. */
export interface InvoiceAmountColumns {
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
}

function withinRange(value: Cents, field: string): Cents {
  if (value > MAX_MONEY) throw badInput(`${field} would exceed ${formatMoney(MAX_MONEY)}`, field);
  return value;
}

/** Prices one line; refuses a discount larger than the line's amount (quantity × unit price, rounded as shown). */
export function priceLine(line: LinePricing, field = 'discount'): LineAmounts {
  const amount = withinRange(lineAmount(line.quantity, line.unitPrice), 'quantity');
  if (line.discount > amount) {
    throw badInput(`${field} must not exceed the line amount, quantity × unit price = ${formatMoney(amount)}`, field, { amount: formatMoney(amount) });
  }
  const tax = divideHalfUp((amount - line.discount) * line.taxRateBp, 10_000n);
  return { amount, discount: line.discount, tax, lineTotal: withinRange(amount - line.discount + tax, 'quantity') };
}

/** The database columns of a priced line. */
export function lineColumns(line: LinePricing, amounts: LineAmounts): LineColumns {
  return {
    quantity: formatMoney(line.quantity),
    unitPrice: formatMoney(line.unitPrice),
    discount: formatMoney(amounts.discount),
    taxRate: rateToDatabase(line.taxRateBp),
    taxAmount: formatMoney(amounts.tax),
    lineTotal: formatMoney(amounts.lineTotal),
  };
}

/** A stored line's amounts (its gross amount is lineTotal − tax + discount, as priced). */
export function storedLineAmounts(row: { discount: string; taxAmount: string; lineTotal: string }): LineAmounts {
  const discount = fromDatabase(row.discount);
  const tax = fromDatabase(row.taxAmount);
  const lineTotal = fromDatabase(row.lineTotal);
  return { amount: lineTotal - tax + discount, discount, tax, lineTotal };
}

/** Invoice totals from its lines. */
export function invoiceAmounts(lines: readonly LineAmounts[]): InvoiceAmounts {
  let subtotal = 0n;
  let discountTotal = 0n;
  let taxTotal = 0n;
  for (const l of lines) {
    subtotal += l.amount;
    discountTotal += l.discount;
    taxTotal += l.tax;
  }
  const total = subtotal - discountTotal + taxTotal;
  withinRange(subtotal, 'items');
  withinRange(total, 'items');
  return { subtotal, discountTotal, taxTotal, total };
}

/** The stored amounts of an invoice row. */
export function storedInvoiceAmounts(row: InvoiceAmountColumns): InvoiceAmounts {
  return {
    subtotal: fromDatabase(row.subtotal),
    discountTotal: fromDatabase(row.discountTotal),
    taxTotal: fromDatabase(row.taxTotal),
    total: fromDatabase(row.total),
  };
}

/** Amounts as database text, for an UPDATE. */
export function amountColumns(a: InvoiceAmounts): InvoiceAmountColumns {
  return {
    subtotal: formatMoney(a.subtotal),
    discountTotal: formatMoney(a.discountTotal),
    taxTotal: formatMoney(a.taxTotal),
    total: formatMoney(a.total),
  };
}
