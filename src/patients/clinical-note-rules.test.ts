import { describe, expect, it } from 'vitest';
import { assertAmendable, assertNoteTransition } from './clinical-note-rules.js';
import { refusedOn } from '../../test/helpers/refusals.js';

describe('assertNoteTransition', () => {
  it('signs a draft', () => {
    expect(() => assertNoteTransition('DRAFT', 'SIGNED')).not.toThrow();
  });

  it('refuses any change to a signed note, pointing to amendments', () => {
    for (const to of ['SIGNED', 'DRAFT'] as const) {
      expect(() => assertNoteTransition('SIGNED', to)).toThrow(
        expect.objectContaining({
          message: expect.stringMatching(/already signed .* write an amendment instead$/),
          extensions: { code: 'BAD_USER_INPUT', field: 'id', from: 'SIGNED', to },
        }),
      );
    }
  });

  it('refuses moves the life cycle does not list', () => {
    expect(() => assertNoteTransition('DRAFT', 'DRAFT')).toThrow(refusedOn('id', /cannot go from DRAFT to DRAFT/));
    expect(() => assertNoteTransition('ARCHIVED', 'SIGNED')).toThrow(refusedOn('id', /cannot go from ARCHIVED to SIGNED/));
  });
});

describe('assertAmendable', () => {
  const signed = { status: 'SIGNED', patientId: 'p1' };

  it('amends a signed note of the same patient', () => {
    expect(() => assertAmendable(signed, 'p1')).not.toThrow();
  });

  it('refuses a note of another patient', () => {
    expect(() => assertAmendable(signed, 'p2')).toThrow(refusedOn('amendsNoteId', /same patient/));
    // The patient is checked first: a draft of another patient says so, not that it is a draft.
    expect(() => assertAmendable({ status: 'DRAFT', patientId: 'p1' }, 'p2')).toThrow(refusedOn('amendsNoteId', /same patient/));
  });

  it('refuses a draft, naming its status', () => {
    expect(() => assertAmendable({ status: 'DRAFT', patientId: 'p1' }, 'p1')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'amendsNoteId', status: 'DRAFT' } }),
    );
  });
});
