import { badInput } from '../kernel/errors.js';
import { divideHalfUp, formatMoney, fromDatabase, MAX_MONEY, rateToDatabase, type Cents } from './money.js';

/**
 * The one place invoice amounts are computed, in integer cents. The database
 * CHECK constraints on `invoices` and `invoice_line_items` restate these
 * formulas, so a mistake here fails the write instead of storing wrong money:
 *
 *   line:    amount = round(quantity × unitPrice)          discount ≤ quantity × unitPrice
 *            tax = round((amount − discount) × taxRate)    lineTotal = amount − discount + tax
 *   invoice: subtotal = Σ amount   discountTotal = Σ discount   taxTotal = Σ tax
 *            total = subtotal − discountTotal + taxTotal
 *            balanceDue = total − (amountPaid − amountRefunded)
 *
 * Rounding is half-up to the cent, per line (tax is charged per line).
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

export interface InvoiceAmounts {
  subtotal: Cents;
  discountTotal: Cents;
  taxTotal: Cents;
  total: Cents;
  amountPaid: Cents;
  amountRefunded: Cents;
  balanceDue: Cents;
}

/** The invoice amount columns, as database text. */
export interface InvoiceAmountColumns {
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
  amountPaid: string;
  amountRefunded: string;
  balanceDue: string;
}

function withinRange(value: Cents, field: string): Cents {
  if (value > MAX_MONEY) throw badInput(`${field} would exceed ${formatMoney(MAX_MONEY)}`, field);
  return value;
}

/** Prices one line; refuses a discount larger than quantity × unit price. */
export function priceLine(line: LinePricing, field = 'discount'): LineAmounts {
  // quantity (1/100) × price (1/100 currency) is in 1/10000 currency; ×100 cents each.
  const exact = line.quantity * line.unitPrice;
  if (line.discount * 100n > exact) {
    throw badInput(`${field} must not exceed quantity × unit price (${formatMoney(divideHalfUp(exact, 100n))})`, field);
  }
  const amount = withinRange(divideHalfUp(exact, 100n), 'quantity');
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

/** Invoice totals from its lines and the money moved so far. */
export function invoiceAmounts(lines: readonly LineAmounts[], amountPaid: Cents, amountRefunded: Cents): InvoiceAmounts {
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
  return { subtotal, discountTotal, taxTotal, total, amountPaid, amountRefunded, balanceDue: total - (amountPaid - amountRefunded) };
}

/** The stored amounts of an invoice row. */
export function storedInvoiceAmounts(row: InvoiceAmountColumns): InvoiceAmounts {
  return {
    subtotal: fromDatabase(row.subtotal),
    discountTotal: fromDatabase(row.discountTotal),
    taxTotal: fromDatabase(row.taxTotal),
    total: fromDatabase(row.total),
    amountPaid: fromDatabase(row.amountPaid),
    amountRefunded: fromDatabase(row.amountRefunded),
    balanceDue: fromDatabase(row.balanceDue),
  };
}

/** The invoice's amounts after a payment (positive) or a refund of `refunded`. */
export function afterMoneyMovement(current: InvoiceAmounts, paid: Cents, refunded: Cents): InvoiceAmounts {
  const amountPaid = withinRange(current.amountPaid + paid, 'amount');
  const amountRefunded = current.amountRefunded + refunded;
  return { ...current, amountPaid, amountRefunded, balanceDue: current.total - (amountPaid - amountRefunded) };
}

/** Amounts as database text, for an UPDATE. */
export function amountColumns(a: InvoiceAmounts): InvoiceAmountColumns {
  return {
    subtotal: formatMoney(a.subtotal),
    discountTotal: formatMoney(a.discountTotal),
    taxTotal: formatMoney(a.taxTotal),
    total: formatMoney(a.total),
    amountPaid: formatMoney(a.amountPaid),
    amountRefunded: formatMoney(a.amountRefunded),
    balanceDue: formatMoney(a.balanceDue),
  };
}
