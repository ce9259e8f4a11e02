import { expect } from 'vitest';

/**
 * What a refused input throws, as unit and server tests expect it: BAD_USER_INPUT naming the field, and the
 * message when given (exact text, or a pattern).
 */
export const refusedOn = (field: string, message?: string | RegExp) =>
  expect.objectContaining({
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ...(message ? { message: typeof message === 'string' ? message : expect.stringMatching(message) } : {}),
  });
