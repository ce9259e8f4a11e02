import { describe, expect, it } from 'vitest';
import {
  CODE_PATTERN,
  contextGuardFailure,
  describeTransition,
  FIELD_PATTERN,
  PERMISSION_NAMES,
  readPath,
  summarizeErrors,
  type ValidationError,
} from './definition-validation.js';

describe('summarizeErrors', () => {
  const error = (message: string): ValidationError => ({ code: 'INVALID_STATE', message, path: '', state: null, event: null });

  it('counts the problems and lists their messages', () => {
    expect(summarizeErrors([error('a')])).toBe('The workflow state machine is invalid (1 problem): a');
    expect(summarizeErrors([error('a'), error('b')])).toBe('The workflow state machine is invalid (2 problems): a; b');
  });

  it('shows at most `max`, pointing to the rest', () => {
    const many = Array.from({ length: 12 }, (_, i) => error(`e${i}`));
    expect(summarizeErrors(many)).toBe(
      'The workflow state machine is invalid (12 problems): e0; e1; e2; e3; e4; e5; e6; e7; e8; e9; and 2 more (see extensions.validationErrors)',
    );
    expect(summarizeErrors(many, 1)).toMatch(/: e0; and 11 more/);
  });
});

describe('names and patterns', () => {
  it('spells permissions as the SDL enum does', () => {
    expect(PERMISSION_NAMES).toContain('CLINICAL_WRITE');
    expect(PERMISSION_NAMES).toContain('CLINICAL_NOTES_READ');
    expect(PERMISSION_NAMES.every((p) => /^[A-Z_]+$/.test(p))).toBe(true);
  });

  it('describes a transition even when parts are missing', () => {
    expect(describeTransition(2, { from: 'A', to: 'B', event: 'GO' })).toBe('transitions[2] (A --GO--> B)');
    expect(describeTransition(0, { from: 3, event: '' })).toBe('transitions[0] (? --?--> ?)');
  });

  it('bounds codes at 100 characters and field paths at 10 parts', () => {
    expect(CODE_PATTERN.test(`A${'b'.repeat(99)}`)).toBe(true);
    expect(CODE_PATTERN.test(`A${'b'.repeat(100)}`)).toBe(false);
    expect(FIELD_PATTERN.test(Array.from({ length: 10 }, () => 'a').join('.'))).toBe(true);
    expect(FIELD_PATTERN.test(Array.from({ length: 11 }, () => 'a').join('.'))).toBe(false);
  });
});

describe('readPath and contextGuardFailure', () => {
  const context = { specimen: { barcode: 'B-1', tags: [] as string[] }, priority: 'HIGH', fasting: false, blank: '  ', count: 0 };

  it('reads dotted paths, undefined past a non-object', () => {
    expect(readPath(context, 'specimen.barcode')).toBe('B-1');
    expect(readPath(context, 'priority.length')).toBeUndefined();
    expect(readPath(context, 'missing.deeper')).toBeUndefined();
    expect(readPath({ list: ['a'] }, 'list.0')).toBeUndefined();
  });

  it('FIELD_SET fails on missing, null, blank text and empty lists, not on false or 0', () => {
    const set = (field: string) => contextGuardFailure({ type: 'FIELD_SET', field }, context);
    expect(set('specimen.barcode')).toBeNull();
    expect(set('fasting')).toBeNull();
    expect(set('count')).toBeNull();
    expect(set('blank')).toBe('context variable "blank" must be set');
    expect(set('specimen.tags')).toBe('context variable "specimen.tags" must be set');
    expect(set('nothing')).toBe('context variable "nothing" must be set');
  });

  it('FIELD_EQUALS compares strictly, saying what it found', () => {
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'fasting', value: false }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'count', value: '0' }, context)).toBe('context variable "count" must equal "0" (it is 0)');
    // A missing variable is not null: the guard refuses (its message is checked only for what it asks).
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'nothing', value: null }, context)).toMatch(/^context variable "nothing" must equal null/);
    expect(contextGuardFailure({ type: 'FIELD_EQUALS', field: 'nothing', value: null }, { nothing: null })).toBeNull();
  });

  it('FIELD_IN passes on any listed value', () => {
    expect(contextGuardFailure({ type: 'FIELD_IN', field: 'priority', values: ['URGENT', 'HIGH'] }, context)).toBeNull();
    expect(contextGuardFailure({ type: 'FIELD_IN', field: 'priority', values: ['LOW'] }, context)).toBe(
      'context variable "priority" must be one of ["LOW"] (it is "HIGH")',
    );
  });

  it('leaves TASKS_COMPLETED to the service', () => {
    expect(contextGuardFailure({ type: 'TASKS_COMPLETED' }, context)).toBeNull();
  });
});
