import { describe, expect, it } from 'vitest';
import {
  divideHalfUp,
  formatHundredths,
  formatMoney,
  fromDatabase,
  hundredths,
  MAX_MONEY,
  MAX_QUANTITY,
  money,
  percentFromDatabase,
  quantity,
  rateFromDatabase,
  rateToDatabase,
  taxRatePercent,
} from './money.js';
import { refusedOn } from '../../test/helpers/refusals.js';

/** A BAD_USER_INPUT naming `field` (and, when given, saying `message`). */
describe('hundredths', () => {
  it.each([
    ['12.50', 1250n],
    ['12.5', 1250n],
    ['12', 1200n],
    ['0.05', 5n],
    ['0', 0n],
    ['-3.1', -310n],
    ['  7.25 ', 725n],
    ['999999999999.99', 99_999_999_999_999n],
  ])('reads %j as %s hundredths', (text, expected) => {
    expect(hundredths(text, 'amount')).toBe(expected);
  });

  it.each(['1.234', '1e3', '', ' ', '.5', '5.', '+1', '1,50', '0x10', '1 000', '1234567890123', 'NaN', '--1'])(
    'refuses %j, naming the field',
    (text) => {
      expect(() => hundredths(text, 'unitPrice')).toThrow(refusedOn('unitPrice', /^unitPrice must be a decimal string/));
    },
  );
});

describe('formatHundredths', () => {
  it.each([
    [0n, '0.00'],
    [5n, '0.05'],
    [50n, '0.50'],
    [-5n, '-0.05'],
    [-100n, '-1.00'],
    [123_456n, '1234.56'],
    [MAX_MONEY, '9999999999.99'],
  ])('formats %s as %j', (value, text) => {
    expect(formatHundredths(value)).toBe(text);
  });

  it('round-trips every two-decimal text it produces', () => {
    for (const value of [0n, 1n, 99n, 100n, 101n, -1n, -99n, -101n, MAX_MONEY, -MAX_MONEY]) {
      expect(hundredths(formatHundredths(value), 'x')).toBe(value);
    }
  });

  it('is what formatMoney does', () => {
    expect(formatMoney).toBe(formatHundredths);
  });
});

describe('money', () => {
  it('accepts amounts from a cent up to numeric(12,2)', () => {
    expect(money('0.01', 'amount')).toBe(1n);
    expect(money('9999999999.99', 'amount')).toBe(MAX_MONEY);
  });

  it('refuses zero unless allowZero, and negatives always', () => {
    expect(() => money('0', 'amount')).toThrow(refusedOn('amount', /more than 0/));
    expect(() => money('0.00', 'amount')).toThrow(refusedOn('amount'));
    expect(money('0', 'discount', { allowZero: true })).toBe(0n);
    expect(() => money('-0.01', 'discount', { allowZero: true })).toThrow(refusedOn('discount', /zero or more/));
    expect(() => money('-5', 'amount')).toThrow(refusedOn('amount', /more than 0/));
  });

  it('refuses a cent above the column maximum, naming the maximum', () => {
    expect(() => money('10000000000.00', 'amount')).toThrow(refusedOn('amount', /at most 9999999999\.99/));
  });

  it('refuses more than two decimals rather than rounding', () => {
    expect(() => money('0.005', 'amount')).toThrow(refusedOn('amount'));
  });
});

describe('quantity', () => {
  it('accepts hundredths up to numeric(10,2)', () => {
    expect(quantity('0.01', 'quantity')).toBe(1n);
    expect(quantity('2.5', 'quantity')).toBe(250n);
    expect(quantity('99999999.99', 'quantity')).toBe(MAX_QUANTITY);
  });

  it('refuses zero, negatives and values beyond the column', () => {
    expect(() => quantity('0', 'quantity')).toThrow(refusedOn('quantity', /more than 0/));
    expect(() => quantity('-1', 'quantity')).toThrow(refusedOn('quantity', /more than 0/));
    expect(() => quantity('100000000.00', 'quantity')).toThrow(refusedOn('quantity', /at most 99999999\.99/));
  });
});

describe('taxRatePercent', () => {
  it('reads percent with two decimals as basis points', () => {
    expect(taxRatePercent('16', 'taxRate')).toBe(1600n);
    expect(taxRatePercent('8.25', 'taxRate')).toBe(825n);
    expect(taxRatePercent('0', 'taxRate')).toBe(0n);
    expect(taxRatePercent('100', 'taxRate')).toBe(10_000n);
  });

  it('refuses rates outside 0–100 % and a third decimal', () => {
    expect(() => taxRatePercent('100.01', 'taxRate')).toThrow(refusedOn('taxRate', /from 0 to 100/));
    expect(() => taxRatePercent('-0.01', 'taxRate')).toThrow(refusedOn('taxRate', /from 0 to 100/));
    expect(() => taxRatePercent('8.125', 'taxRate')).toThrow(refusedOn('taxRate'));
  });
});

describe('tax rates as the database stores them (numeric(5,4))', () => {
  it.each([
    ['0.1600', 1600n],
    ['0.16', 1600n],
    ['0.0825', 825n],
    ['0.0001', 1n],
    ['0', 0n],
    ['1.0000', 10_000n],
  ])('reads %j as %s basis points', (text, bp) => {
    expect(rateFromDatabase(text)).toBe(bp);
  });

  it('writes basis points back as four-decimal text', () => {
    expect(rateToDatabase(1600n)).toBe('0.1600');
    expect(rateToDatabase(825n)).toBe('0.0825');
    expect(rateToDatabase(1n)).toBe('0.0001');
    expect(rateToDatabase(10_000n)).toBe('1.0000');
    expect(rateFromDatabase(rateToDatabase(1234n))).toBe(1234n);
  });

  it('shows a stored rate as percent with two decimals', () => {
    expect(percentFromDatabase('0.1600')).toBe('16.00');
    expect(percentFromDatabase('0.0825')).toBe('8.25');
    expect(percentFromDatabase('1.0000')).toBe('100.00');
  });

  it('throws a plain Error (a server fault, not bad input) on text the column cannot hold', () => {
    for (const text of ['16.00', '-0.1', '0.12345', 'abc']) {
      expect(() => rateFromDatabase(text)).toThrow(`unexpected tax rate ${text}`);
    }
  });
});

describe('fromDatabase', () => {
  it('reads numeric(12,2) text, negative included', () => {
    expect(fromDatabase('1250.50')).toBe(125_050n);
    expect(fromDatabase('-12.30')).toBe(-1230n);
    expect(fromDatabase('0.00')).toBe(0n);
  });
});

describe('divideHalfUp', () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 2n, 2n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [151n, 100n, 2n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-149n, 100n, -1n],
    [-150n, 100n, -2n],
    [-5n, 2n, -3n],
  ])('%s / %s rounds to %s (ties away from zero)', (numerator, denominator, expected) => {
    expect(divideHalfUp(numerator, denominator)).toBe(expected);
  });
});
