import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { email, intInRange, matching, notFuture, numberInRange, optionalText, pastOrTodayDate, requiredText } from './validation.js';
import { refusedOn } from '../../test/helpers/refusals.js';

describe('requiredText', () => {
  it('trims, and measures the length after trimming', () => {
    expect(requiredText('  Ada  ', 'name', 3)).toBe('Ada');
    expect(requiredText('é'.repeat(5), 'name', 5)).toBe('ééééé');
  });

  it('refuses blank text and text over the limit', () => {
    expect(() => requiredText('', 'name', 10)).toThrow(refusedOn('name', 'name must not be empty'));
    expect(() => requiredText(' \t\n ', 'name', 10)).toThrow(refusedOn('name', 'name must not be empty'));
    expect(() => requiredText('abcd', 'code', 3)).toThrow(refusedOn('code', 'code must be at most 3 characters'));
  });
});

describe('optionalText', () => {
  it('keeps "not given" apart from "cleared"', () => {
    expect(optionalText(undefined, 'note', 10)).toBeUndefined();
    expect(optionalText(null, 'note', 10)).toBeNull();
    expect(optionalText('   ', 'note', 10)).toBeNull();
    expect(optionalText(' hi ', 'note', 10)).toBe('hi');
  });

  it('still refuses text over the limit', () => {
    expect(() => optionalText('x'.repeat(11), 'note', 10)).toThrow(refusedOn('note', /at most 10 characters/));
  });
});

describe('matching and email', () => {
  it('lets absence through and refuses a mismatch, naming the format', () => {
    const digits = /^\d+$/;
    expect(matching(null, 'phone', digits, 'digits')).toBeNull();
    expect(matching(undefined, 'phone', digits, 'digits')).toBeUndefined();
    expect(matching('123', 'phone', digits, 'digits')).toBe('123');
    expect(() => matching('12a', 'phone', digits, 'digits only')).toThrow(refusedOn('phone', 'phone must be digits only'));
  });

  it('normalises an email address to trimmed lower case', () => {
    expect(email('  Ada.Lovelace@Example.ORG ')).toBe('ada.lovelace@example.org');
    expect(email(null)).toBeNull();
    expect(email(undefined)).toBeUndefined();
  });

  it.each(['ada', 'ada@example', '@example.org', 'ada@@example.org', 'a da@example.org', ''])('refuses %j', (value) => {
    expect(() => email(value)).toThrow(refusedOn('email', 'email must be a valid email address'));
    expect(() => email(value, 'contactEmail')).toThrow(refusedOn('contactEmail'));
  });
});

describe('dates and times against the clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-01T23:59:59Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // The caller passes the organization's today (kernel/organization-time.ts), not the UTC date.
  const today = '2025-03-01';

  it('pastOrTodayDate accepts the given today and the past down to the earliest day', () => {
    expect(pastOrTodayDate('2025-03-01', 'dateOfBirth', today)).toBe('2025-03-01');
    expect(pastOrTodayDate('1880-01-01', 'dateOfBirth', today)).toBe('1880-01-01');
    expect(pastOrTodayDate(null, 'dateOfBirth', today)).toBeNull();
    expect(pastOrTodayDate(undefined, 'dateOfBirth', today)).toBeUndefined();
    expect(pastOrTodayDate('2000-01-01', 'onsetDate', today, '1999-12-31')).toBe('2000-01-01');
  });

  it('pastOrTodayDate refuses the day after the given today and days before the earliest', () => {
    expect(() => pastOrTodayDate('2025-03-02', 'dateOfBirth', today)).toThrow(refusedOn('dateOfBirth', 'dateOfBirth cannot be in the future'));
    expect(() => pastOrTodayDate('1879-12-31', 'dateOfBirth', today)).toThrow(refusedOn('dateOfBirth', 'dateOfBirth cannot be before 1880-01-01'));
    expect(() => pastOrTodayDate('1999-12-30', 'onsetDate', today, '1999-12-31')).toThrow(refusedOn('onsetDate', /before 1999-12-31/));
  });

  it('notFuture tolerates five minutes of clock skew by default', () => {
    const now = Date.now();
    expect(notFuture(new Date(now + 5 * 60_000), 'recordedAt')).toEqual(new Date(now + 5 * 60_000));
    expect(() => notFuture(new Date(now + 5 * 60_000 + 1), 'recordedAt')).toThrow(refusedOn('recordedAt', 'recordedAt cannot be in the future'));
    expect(() => notFuture(new Date(now + 1), 'recordedAt', 0)).toThrow(refusedOn('recordedAt'));
    expect(notFuture(null, 'recordedAt')).toBeNull();
    expect(notFuture(undefined, 'recordedAt')).toBeUndefined();
  });
});

describe('intInRange and numberInRange', () => {
  it('accept the bounds and absence', () => {
    expect(intInRange(1, 'n', 1, 10)).toBe(1);
    expect(intInRange(10, 'n', 1, 10)).toBe(10);
    expect(intInRange(null, 'n', 1, 10)).toBeNull();
    expect(numberInRange(0.5, 'x', 0, 1)).toBe(0.5);
    expect(numberInRange(undefined, 'x', 0, 1)).toBeUndefined();
  });

  it.each([0, 11, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('intInRange refuses %s, naming the range', (value) => {
    expect(() => intInRange(value, 'durationMinutes', 1, 10)).toThrow(
      expect.objectContaining({
        message: 'durationMinutes must be a whole number from 1 to 10',
        extensions: { code: 'BAD_USER_INPUT', field: 'durationMinutes', min: 1, max: 10 },
      }),
    );
  });

  it.each([-0.01, 1.01, Number.NaN, Number.NEGATIVE_INFINITY])('numberInRange refuses %s', (value) => {
    expect(() => numberInRange(value, 'ratio', 0, 1)).toThrow(
      expect.objectContaining({ message: 'ratio must be between 0 and 1', extensions: { code: 'BAD_USER_INPUT', field: 'ratio', min: 0, max: 1 } }),
    );
  });
});
