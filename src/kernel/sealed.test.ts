import { describe, expect, it } from 'vitest';
import { Sealer } from './sealed.js';

describe('Sealer', () => {
  const sealer = new Sealer('a secret of the tests', 'test purpose');

  it('opens what it sealed, in the same context, values typed as written', () => {
    const value = { at: new Date('2025-06-01T00:00:00Z'), amount: 12n, tags: new Set(['a']) };
    expect(sealer.open(sealer.seal(value, 'row-1'), 'row-1')).toEqual(value);
  });

  it('seals the same value differently each time (a random IV)', () => {
    expect(sealer.seal('x', 'row-1').equals(sealer.seal('x', 'row-1'))).toBe(false);
  });

  it('opens nothing in another context, under another purpose or secret, tampered or truncated', () => {
    const sealed = sealer.seal('secret', 'row-1');
    expect(sealer.open(sealed, 'row-2')).toBeNull();
    expect(new Sealer('a secret of the tests', 'other purpose').open(sealed, 'row-1')).toBeNull();
    expect(new Sealer('another secret', 'test purpose').open(sealed, 'row-1')).toBeNull();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(sealer.open(tampered, 'row-1')).toBeNull();
    expect(sealer.open(sealed.subarray(0, 20), 'row-1')).toBeNull();
  });
});
