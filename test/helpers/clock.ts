import { expect } from 'vitest';

/** The clock read just before and just after something ran. */
export interface Span {
  before: number;
  after: number;
}

/**
 * Runs `fn` between two clock readings. An instant the server derived from its
 * own clock while `fn` ran lies between them, however slow the machine is:
 * a bracket, never an elapsed-time assertion.
 */
export async function during<T>(fn: () => Promise<T>): Promise<{ value: T; span: Span }> {
  const before = Date.now();
  const value = await fn();
  return { value, span: { before, after: Date.now() } };
}

/**
 * Asserts that `instant` is `offsetMs` after some moment of `span`. One second
 * of slack each side covers rounding (JWT expiries are whole seconds,
 * DateTime values milliseconds).
 */
export function expectInSpan(instant: string | Date, span: Span, offsetMs = 0): void {
  const at = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  expect(at).toBeGreaterThanOrEqual(span.before + offsetMs - 1000);
  expect(at).toBeLessThanOrEqual(span.after + offsetMs + 1000);
}

/**
 * A clock a test moves by hand, injected into the server's background jobs (AppDeps.clock via
 * createTestApp's `clock` option): it reads the real time plus everything `advance` added.
 */
export class TestClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
