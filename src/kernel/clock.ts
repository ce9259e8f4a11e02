/**
 * Where background work reads the time from. Passed in (AppDeps.clock), never a module global, so
 * a test can move time forward (test/helpers/clock.ts, TestClock) and watch what the jobs do.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
