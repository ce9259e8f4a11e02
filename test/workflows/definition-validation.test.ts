import { describe, expect, it } from 'vitest';
import { contextGuardFailure, validateStateMachine } from '../../src/workflows/definition-validation.js';
import { compileDiagram } from '../../src/workflows/visual-compiler.js';

/** The pure rules, without a server: guard semantics and the diagram mapping. */
describe('guards', () => {
  const context = { priority: 'STAT', specimen: { barcode: 'B-1' }, empty: '  ', list: [], zero: 0 };

  it('checks FIELD_SET, FIELD_EQUALS and FIELD_IN against context variables (dotted paths)', () => {
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'specimen.barcode' }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'zero' }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'empty' }, context)).toBe('context variable "empty" must be set');
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'list' }, context)).toBe('context variable "list" must be set');
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'specimen.site' }, context)).toBe('context variable "specimen.site" must be set');
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'priority', value: 'STAT' }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'priority', value: 'ROUTINE' }, context)).toBe(
      'context variable "priority" must equal "ROUTINE" (it is "STAT")',
    );
    expect(contextGuardFailure({ type: 'FIELD_IN', field: 'priority', values: ['URGENT', 'STAT'] }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_IN', field: 'missing', values: ['A'] }, context)).toMatch(/must be one of \["A"\] \(it is null\)/);
  });
});

describe('validation normalises', () => {
  it('fills defaults, drops unknown keys and deduplicates roles', () => {
    const { machine, errors } = validateStateMachine({
      states: [{ code: 'A', initial: true, colour: 'red' }, { code: 'B', name: ' Done ', terminal: true }],
      transitions: [{ from: 'A', to: 'B', event: 'GO', allowedRoles: ['NURSE', 'NURSE'], allowedPermissions: ['CLINICAL_WRITE'] }],
    });
    expect(errors).toEqual([]);
    expect(machine).toEqual({
      states: [
        { code: 'A', name: 'A', initial: true, terminal: false },
        { code: 'B', name: 'Done', initial: false, terminal: true },
      ],
      transitions: [{ from: 'A', to: 'B', event: 'GO', allowedRoles: ['NURSE'], allowedPermissions: ['CLINICAL_WRITE'], guards: [], actions: [] }],
    });
    expect(validateStateMachine({ states: [{ code: 'A', initial: true, terminal: true }], transitions: [] }).errors.map((e) => e.code)).toEqual([
      'INITIAL_STATE_TERMINAL',
    ]);
    expect(validateStateMachine({ states: [{ code: 'A', initial: true }, { code: 'B', terminal: true }], transitions: [{ from: 'A', to: 'B', event: 'GO', allowedPermissions: ['FLY'] }] }).errors[0]).toMatchObject({
      code: 'UNKNOWN_PERMISSION',
      path: 'transitions[0].allowedPermissions[0]',
    });
  });
});

describe('diagram compilation', () => {
  it('maps node ids (or data.code) to state codes and edge labels (or data.event) to events', () => {
    const { machine, errors } = compileDiagram(
      [
        { id: 'n1', type: 'start', label: 'Checked in', data: { code: 'CHECKED_IN' } },
        { id: 'n2', type: 'end', label: 'Seen', data: { code: 'SEEN' } },
      ],
      [{ id: 'e1', source: 'n1', target: 'n2', label: 'Ignored', data: { event: 'SEE', allowedRoles: ['PHYSICIAN'] } }],
    );
    expect(errors).toEqual([]);
    expect(machine).toEqual({
      states: [
        { code: 'CHECKED_IN', name: 'Checked in', initial: true, terminal: false },
        { code: 'SEEN', name: 'Seen', initial: false, terminal: true },
      ],
      transitions: [{ from: 'CHECKED_IN', to: 'SEEN', event: 'SEE', allowedRoles: ['PHYSICIAN'], guards: [], actions: [] }],
    });
    const broken = compileDiagram([{ id: 'A', type: 'start' }, { type: 'end' }], [{ source: 'A', target: 'nowhere', label: 'GO' }]);
    expect(broken.errors.map((e) => [e.code, e.path])).toEqual([
      ['INVALID_STATE', 'states[1].code'],
      ['UNKNOWN_STATE', 'transitions[0].to'],
      // A's only way out leads nowhere.
      ['DEAD_END_STATE', 'states[0]'],
    ]);
  });
});
