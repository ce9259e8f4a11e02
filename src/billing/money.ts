import { badInput } from '../kernel/errors.js';

/**
 * Exact money: decimal strings in, integer arithmetic (BigInt) inside, decimal
 * strings out. No JavaScript number ever holds an amount.
 *
 * - money: cents (numeric(12,2)), at most 9,999,999,999.99
 * - quantity: hundredths (numeric(10,2)), at most 99,999,999.99
 * - tax rate: basis points of a fraction (numeric(5,4), 0.1600 = 1600 bp),
 *   which is also the percentage with two decimals (16.00 % = 1600)
 */
export type Cents = bigint;

const TWO_DECIMALS = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;
const FOUR_DECIMALS = /^(\d)(?:\.(\d{1,4}))?$/;

/** Largest amount numeric(12,2) holds. */
export const MAX_MONEY: Cents = 999_999_999_999n;
/** Largest quantity numeric(10,2) holds. */
export const MAX_QUANTITY = 9_999_999_999n;

/** A decimal string with at most two fraction digits → hundredths; refused otherwise. */
export function hundredths(value: string, field: string): bigint {
  const m = TWO_DECIMALS.exec(value.trim());
  if (!m) throw badInput(`${field} must be a decimal string with at most two decimals, e.g. "12.50"`, field);
  const units = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -units : units;
}

/** Hundredths → `"1250.50"` (always two decimals). */
export function formatHundredths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export const formatMoney = formatHundredths;

/** A money input: more than 0 (or ≥ 0 when `allowZero`) and within numeric(12,2). */
export function money(value: string, field: string, { allowZero = false } = {}): Cents {
  const cents = hundredths(value, field);
  if (cents < 0n || (!allowZero && cents === 0n)) {
    throw badInput(`${field} must be ${allowZero ? 'zero or more' : 'more than 0'}`, field);
  }
  if (cents > MAX_MONEY) throw badInput(`${field} must be at most ${formatMoney(MAX_MONEY)}`, field);
  return cents;
}

/** A quantity input: more than 0, at most 99,999,999.99. */
export function quantity(value: string, field: string): bigint {
  const q = hundredths(value, field);
  if (q <= 0n) throw badInput(`${field} must be more than 0`, field);
  if (q > MAX_QUANTITY) throw badInput(`${field} must be at most ${formatHundredths(MAX_QUANTITY)}`, field);
  return q;
}

/** A tax rate in percent (`"16.00"`) → basis points (1600); 0–100 %. */
export function taxRatePercent(value: string, field: string): bigint {
  const bp = hundredths(value, field);
  if (bp < 0n || bp > 10_000n) throw badInput(`${field} must be from 0 to 100 (percent)`, field);
  return bp;
}

/** numeric(5,4) text from the database (`"0.1600"`) → basis points. */
export function rateFromDatabase(value: string): bigint {
  const m = FOUR_DECIMALS.exec(value);
  if (!m) throw new Error(`unexpected tax rate ${value}`);
  return BigInt(m[1]!) * 10_000n + BigInt((m[2] ?? '').padEnd(4, '0'));
}

/** Basis points → numeric(5,4) text (`"0.1600"`). */
export function rateToDatabase(bp: bigint): string {
  return `${bp / 10_000n}.${String(bp % 10_000n).padStart(4, '0')}`;
}

/** numeric(5,4) text → percent with two decimals (`"0.1600"` → `"16.00"`). */
export function percentFromDatabase(value: string): string {
  return formatHundredths(rateFromDatabase(value));
}

/** numeric(12,2) / numeric(10,2) text from the database → hundredths. */
export function fromDatabase(value: string): bigint {
  return hundredths(value, 'value');
}

/**
 * A line's amount: quantity (hundredths) × unit price (cents), rounded half-up
 * to the cent. The one rounding of quantities; the database check on
 * `invoice_line_items.discount` is `round(quantity * unit_price, 2)`, the same.
 */
export function lineAmount(quantity: bigint, unitPrice: Cents): Cents {
  // quantity (1/100) × price (1/100 currency) is in 1/10000 currency; ÷100 gives cents.
  return divideHalfUp(quantity * unitPrice, 100n);
}

/** `numerator / denominator` rounded half-up (away from zero on ties) for non-negative values. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n) return -divideHalfUp(-numerator, denominator);
  return (numerator * 2n + denominator) / (denominator * 2n);
}
