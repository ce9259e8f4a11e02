import { describe, expect, it } from 'vitest';
import { accountingRange, changedFieldNames, isoRange } from './compliance-rules.js';

describe('isoRange', () => {
  it('passes open and ordered ranges as ISO text', () => {
    expect(isoRange({ from: null, to: null }, 'from')).toEqual({ from: null, to: null });
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    expect(isoRange({ from, to }, 'from')).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
  });

  it('refuses a range that ends before it starts, naming the field', () => {
    const late = new Date('2026-03-01T00:00:00Z');
    const early = new Date('2026-02-01T00:00:00Z');
    expect(() => isoRange({ from: late, to: early }, 'filter.from')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.from' }) }),
    );
  });
});

describe('accountingRange', () => {
  const now = new Date('2026-12-03T04:30:00.250Z');
  it('defaults to the six years before now', () => {
    expect(accountingRange({ from: null, to: null }, now)).toEqual({ from: new Date('2020-12-03T04:30:00.250Z'), to: now });
  });
  it('counts six years back from a given end', () => {
    const to = new Date('2025-01-15T00:00:00Z');
    expect(accountingRange({ from: null, to }, now).from).toEqual(new Date('2019-01-15T00:00:00Z'));
  });
  it('keeps given bounds and refuses reversed ones', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(accountingRange({ from, to: null }, now)).toEqual({ from, to: now });
    expect(() => accountingRange({ from: now, to: from }, now)).toThrow(/from must not be after/);
  });
});

describe('changedFieldNames', () => {
  it('lists the keys of before and after, once each, sorted, without values', () => {
    expect(changedFieldNames({ before: { phone: '1', city: 'A' }, after: { phone: '2', email: 'x' } })).toEqual(['city', 'email', 'phone']);
    expect(changedFieldNames({ before: null, after: { id: 'u' } })).toEqual(['id']);
  });
  it('is null for an event that recorded no change', () => {
    expect(changedFieldNames(null)).toBeNull();
  });
});
