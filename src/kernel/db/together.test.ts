import { describe, expect, it } from 'vitest';
import { together } from './together.js';

/** A promise and the functions that settle it, to choose the order steps finish in. */
function step<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('together', () => {
  it('answers every step, in the order given', async () => {
    const a = step<number>();
    const b = step<string>();
    const both = together(a.promise, b.promise);
    b.resolve('second');
    a.resolve(1);
    expect(await both).toEqual([1, 'second']);
  });

  it('reports the first failed step in the order given, not the first to fail', async () => {
    const first = step<number>();
    const second = step<number>();
    const both = together(first.promise, second.promise);
    second.reject(new Error('the encounter is not this patient'));
    first.reject(new Error('no such patient'));
    await expect(both).rejects.toThrow('no such patient');
  });

  it('waits for every step before failing, so no step is left running unobserved', async () => {
    const first = step<number>();
    const second = step<number>();
    let settled = false;
    const both = together(first.promise, second.promise).catch((error: unknown) => ((settled = true), error));
    first.reject(new Error('first'));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    second.resolve(2);
    expect(await both).toEqual(new Error('first'));
    expect(settled).toBe(true);
  });
});
