import { describe, expect, it } from 'vitest';
import { validateStateMachine, type ValidationCode, type ValidationError } from './definition-validation.js';

const USER = '0b7a4f52-5c7e-4a55-9d3e-6a1f2f0e9c11';

/** A lab order: ORDERED → COLLECTED → RESULTED, or CANCELLED from ORDERED. */
function labMachine() {
  return {
    states: [
      { code: 'ORDERED', name: 'Ordered', initial: true, terminal: false },
      { code: 'COLLECTED', name: 'Collected', initial: false, terminal: false },
      { code: 'RESULTED', name: 'Resulted', initial: false, terminal: true },
      { code: 'CANCELLED', name: 'Cancelled', initial: false, terminal: true },
    ] as Record<string, unknown>[],
    transitions: [
      {
        from: 'ORDERED',
        to: 'COLLECTED',
        event: 'COLLECT',
        allowedRoles: ['NURSE'],
        guards: [{ type: 'FIELD_SET', field: 'specimenId' }],
        actions: [{ type: 'CREATE_TASK', role: 'PHYSICIAN', name: 'Enter results' }],
      },
      { from: 'COLLECTED', to: 'RESULTED', event: 'RESULT', allowedRoles: ['PHYSICIAN'], guards: [{ type: 'TASKS_COMPLETED' }], actions: [] },
      { from: 'ORDERED', to: 'CANCELLED', event: 'CANCEL', allowedRoles: [], guards: [], actions: [] },
    ] as Record<string, unknown>[],
  };
}

const codes = (input: unknown, options?: Parameters<typeof validateStateMachine>[1]) =>
  validateStateMachine(input, options).errors.map((e) => e.code);

/** The one error `input` has, or the test fails listing them all. */
function onlyError(input: unknown, options?: Parameters<typeof validateStateMachine>[1]): ValidationError {
  const { machine, errors } = validateStateMachine(input, options);
  expect(machine).toBeNull();
  expect(errors.map((e) => `${e.code} ${e.path}`)).toHaveLength(1);
  return errors[0]!;
}

describe('validateStateMachine: a valid machine', () => {
  it('passes, normalised', () => {
    const { machine, errors } = validateStateMachine(labMachine());
    expect(errors).toEqual([]);
    expect(machine?.states.map((s) => s.code)).toEqual(['ORDERED', 'COLLECTED', 'RESULTED', 'CANCELLED']);
    expect(machine?.transitions[0]).toEqual({
      from: 'ORDERED',
      to: 'COLLECTED',
      event: 'COLLECT',
      allowedRoles: ['NURSE'],
      guards: [{ type: 'FIELD_SET', field: 'specimenId' }],
      actions: [{ type: 'CREATE_TASK', role: 'PHYSICIAN', name: 'Enter results' }],
    });
  });

  it('trims text, fills defaults, drops unknown keys and duplicate roles, lower-cases user ids', () => {
    const input = labMachine();
    input.states[0] = { code: ' ORDERED ', initial: true, color: 'red' };
    input.transitions[0] = {
      from: 'ORDERED ',
      to: ' COLLECTED',
      event: ' COLLECT ',
      allowedRoles: ['NURSE', 'NURSE'],
      allowedPermissions: ['CLINICAL_WRITE', 'CLINICAL_WRITE'],
      actions: [{ type: 'CREATE_TASK', name: '  Draw blood ', description: '  ', userId: USER.toUpperCase(), priority: 'HIGH', dueInHours: 4 }],
      note: 'dropped',
    };
    const { machine, errors } = validateStateMachine(input, { knownUserIds: new Set([USER]) });
    expect(errors).toEqual([]);
    expect(machine?.states[0]).toEqual({ code: 'ORDERED', name: 'ORDERED', initial: true, terminal: false });
    expect(machine?.transitions[0]).toEqual({
      from: 'ORDERED',
      to: 'COLLECTED',
      event: 'COLLECT',
      allowedRoles: ['NURSE'],
      allowedPermissions: ['CLINICAL_WRITE'],
      guards: [],
      actions: [{ type: 'CREATE_TASK', name: 'Draw blood', userId: USER, priority: 'HIGH', dueInHours: 4 }],
    });
  });

  it('refuses a one-state machine: its only state would be both initial and terminal', () => {
    expect(codes({ states: [{ code: 'ONLY', initial: true, terminal: true }], transitions: [] })).toEqual(['INITIAL_STATE_TERMINAL']);
  });

  it('keeps entry actions of states', () => {
    const input = labMachine();
    input.states[1] = { ...input.states[1], actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Label tube' }] };
    expect(validateStateMachine(input).machine?.states[1]?.actions).toEqual([{ type: 'CREATE_TASK', role: 'NURSE', name: 'Label tube' }]);
  });
});

describe('validateStateMachine: shape', () => {
  it.each([
    ['null', null, ''],
    ['a list', [], ''],
    ['text', 'states', ''],
  ])('refuses %s as a whole', (_what, input, path) => {
    expect(onlyError(input)).toMatchObject({ code: 'INVALID_SHAPE', path, state: null, event: null });
  });

  it('needs a non-empty list of states and a list of transitions, reporting both at once', () => {
    expect(validateStateMachine({ states: [], transitions: 'none' }).errors.map((e) => [e.code, e.path])).toEqual([
      ['INVALID_SHAPE', 'states'],
      ['INVALID_SHAPE', 'transitions'],
    ]);
    expect(codes({ states: labMachine().states })).toEqual(['INVALID_SHAPE']);
  });

  it('caps states at 200 and transitions at 1000', () => {
    const states = Array.from({ length: 201 }, (_, i) => ({ code: `S${i}` }));
    expect(onlyError({ states, transitions: [] }).message).toMatch(/at most 200 states \(got 201\)/);
    const transitions = Array.from({ length: 1001 }, () => ({}));
    expect(onlyError({ states: labMachine().states, transitions }).message).toMatch(/at most 1000 transitions \(got 1001\)/);
  });
});

describe('validateStateMachine: states', () => {
  it('refuses a bad code, naming its path', () => {
    const input = labMachine();
    input.states.push({ code: '1ST', terminal: true });
    expect(onlyError(input)).toMatchObject({ code: 'INVALID_STATE', path: 'states[4].code', state: '1ST' });
  });

  it('refuses a state that is not an object, and non-boolean flags', () => {
    const input = labMachine();
    // Malformed on purpose: a client's JSON can hold what the type forbids.
    input.states.push('DONE' as never, { code: 'DONE', terminal: 'yes' });
    expect(validateStateMachine(input).errors.map((e) => [e.code, e.path])).toEqual([
      ['INVALID_STATE', 'states[4]'],
      ['INVALID_STATE', 'states[5].terminal'],
      // "yes" is not true, so DONE is an ordinary state that no transition reaches or leaves.
      ['UNREACHABLE_STATE', 'states[5]'],
      ['DEAD_END_STATE', 'states[5]'],
    ]);
  });

  it('refuses a blank name but defaults a missing one to the code', () => {
    const input = labMachine();
    input.states[1] = { code: 'COLLECTED', name: '  ' };
    expect(onlyError(input)).toMatchObject({ code: 'INVALID_STATE', path: 'states[1].name', state: 'COLLECTED' });
  });

  it('refuses a duplicate code, naming both positions', () => {
    const input = labMachine();
    input.states.push({ code: 'COLLECTED' });
    expect(onlyError(input)).toMatchObject({
      code: 'DUPLICATE_STATE',
      path: 'states[4].code',
      state: 'COLLECTED',
      message: 'State "COLLECTED" is defined twice (states[1] and states[4])',
    });
  });

  it('needs exactly one initial state and at least one terminal one', () => {
    const none = labMachine();
    none.states[0] = { code: 'ORDERED' };
    expect(codes(none)).toEqual(['NO_INITIAL_STATE']);

    const two = labMachine();
    two.states[1] = { code: 'COLLECTED', initial: true };
    expect(onlyError(two)).toMatchObject({ code: 'MULTIPLE_INITIAL_STATES', state: 'COLLECTED', message: expect.stringMatching(/ORDERED, COLLECTED/) });

    const endless = labMachine();
    endless.states = endless.states.map((s) => ({ ...s, terminal: false }));
    expect(codes(endless)).toContain('NO_TERMINAL_STATE');
    // Without a terminal state, "cannot finish" would be said of every state: only the missing terminal is reported.
    expect(codes(endless)).not.toContain('DEAD_END_STATE');
  });
});

describe('validateStateMachine: transitions', () => {
  it('refuses unknown states, naming source or target', () => {
    const input = labMachine();
    input.transitions.push({ from: 'COLLECTED', to: 'LOST', event: 'LOSE' });
    expect(onlyError(input)).toMatchObject({
      code: 'UNKNOWN_STATE',
      path: 'transitions[3].to',
      state: 'LOST',
      event: 'LOSE',
      message: 'transitions[3] (COLLECTED --LOSE--> LOST): target state "LOST" does not exist',
    });
  });

  it('refuses a missing from/to and a bad event', () => {
    const input = labMachine();
    input.transitions.push({ to: 'RESULTED', event: '9LIVES' });
    expect(validateStateMachine(input).errors.map((e) => [e.code, e.path])).toEqual([
      ['INVALID_TRANSITION', 'transitions[3].event'],
      ['INVALID_TRANSITION', 'transitions[3].from'],
    ]);
    const notObject = labMachine();
    // Malformed on purpose: a client's JSON can hold what the type forbids.
    notObject.transitions.push(null as never);
    expect(onlyError(notObject)).toMatchObject({ code: 'INVALID_TRANSITION', path: 'transitions[3]' });
  });

  it('refuses a transition out of a terminal state', () => {
    const input = labMachine();
    input.transitions.push({ from: 'RESULTED', to: 'COLLECTED', event: 'REOPEN' });
    expect(onlyError(input)).toMatchObject({ code: 'TERMINAL_STATE_HAS_TRANSITIONS', path: 'transitions[3].from', state: 'RESULTED', event: 'REOPEN' });
  });

  it('refuses a second transition on the same event from the same state', () => {
    const input = labMachine();
    input.transitions.push({ from: 'ORDERED', to: 'RESULTED', event: 'COLLECT' });
    expect(onlyError(input)).toMatchObject({
      code: 'DUPLICATE_TRANSITION',
      path: 'transitions[3]',
      state: 'ORDERED',
      event: 'COLLECT',
      message: expect.stringMatching(/already leaves state "ORDERED" in transitions\[0\]/),
    });
  });

  it('refuses unknown roles and permissions, each at its own path', () => {
    const input = labMachine();
    input.transitions[2] = { ...input.transitions[2], allowedRoles: ['NURSE', 'JANITOR'], allowedPermissions: ['clinical:write', 'BILLING_WRITE'] };
    const { errors } = validateStateMachine(input);
    expect(errors.map((e) => [e.code, e.path, e.event])).toEqual([
      ['UNKNOWN_ROLE', 'transitions[2].allowedRoles[1]', 'CANCEL'],
      ['UNKNOWN_PERMISSION', 'transitions[2].allowedPermissions[0]', 'CANCEL'],
    ]);
  });

  it('refuses non-list roles, permissions and guards', () => {
    const input = labMachine();
    input.transitions[2] = { ...input.transitions[2], allowedRoles: 'NURSE', allowedPermissions: {}, guards: 'none' };
    expect(codes(input)).toEqual(['INVALID_TRANSITION', 'INVALID_TRANSITION', 'INVALID_GUARD']);
  });
});

describe('validateStateMachine: guards', () => {
  const withGuard = (guard: unknown) => {
    const input = labMachine();
    input.transitions[2] = { ...input.transitions[2], guards: [guard] };
    return input;
  };

  it.each([
    { type: 'FIELD_SET', field: 'specimen.barcode' },
    { type: 'FIELD_EQUALS', field: 'fasting', value: true },
    { type: 'FIELD_EQUALS', field: 'note', value: null },
    { type: 'FIELD_IN', field: 'priority', values: ['HIGH', 'URGENT', 1] },
    { type: 'TASKS_COMPLETED', taskName: ' Enter results ' },
  ])('accepts %j', (guard) => {
    expect(validateStateMachine(withGuard(guard)).errors).toEqual([]);
  });

  it('trims a TASKS_COMPLETED task name', () => {
    expect(validateStateMachine(withGuard({ type: 'TASKS_COMPLETED', taskName: ' Enter results ' })).machine?.transitions[2]?.guards).toEqual([
      { type: 'TASKS_COMPLETED', taskName: 'Enter results' },
    ]);
  });

  it.each([
    ['not an object', 'FIELD_SET'],
    ['an unknown type', { type: 'FIELD_MATCHES', field: 'x' }],
    ['a missing field', { type: 'FIELD_SET' }],
    ['a field path with a dash', { type: 'FIELD_SET', field: 'specimen-id' }],
    ['a field path ending in a dot', { type: 'FIELD_SET', field: 'specimen.' }],
    ['FIELD_EQUALS without value', { type: 'FIELD_EQUALS', field: 'x' }],
    ['FIELD_EQUALS with an object value', { type: 'FIELD_EQUALS', field: 'x', value: { a: 1 } }],
    ['FIELD_EQUALS with NaN', { type: 'FIELD_EQUALS', field: 'x', value: Number.NaN }],
    ['FIELD_IN with no values', { type: 'FIELD_IN', field: 'x', values: [] }],
    ['FIELD_IN with a list value', { type: 'FIELD_IN', field: 'x', values: ['a', ['b']] }],
    ['a blank task name', { type: 'TASKS_COMPLETED', taskName: '  ' }],
  ])('refuses %s', (_what, guard) => {
    expect(onlyError(withGuard(guard))).toMatchObject({ code: 'INVALID_GUARD', path: 'transitions[2].guards[0]', event: 'CANCEL' });
  });
});

describe('validateStateMachine: actions', () => {
  const withAction = (action: unknown) => {
    const input = labMachine();
    input.transitions[2] = { ...input.transitions[2], actions: [action] };
    return input;
  };

  it.each([
    ['not an object', 'CREATE_TASK'],
    ['an unknown type', { type: 'SEND_EMAIL', role: 'NURSE', name: 'x' }],
    ['no name', { type: 'CREATE_TASK', role: 'NURSE' }],
    ['a name over 200 characters', { type: 'CREATE_TASK', role: 'NURSE', name: 'x'.repeat(201) }],
    ['no assignee', { type: 'CREATE_TASK', name: 'Call patient' }],
    ['a user id that is not a UUID', { type: 'CREATE_TASK', userId: 'bob', name: 'x' }],
    ['an unknown priority', { type: 'CREATE_TASK', role: 'NURSE', name: 'x', priority: 'ASAP' }],
    ['zero hours due', { type: 'CREATE_TASK', role: 'NURSE', name: 'x', dueInHours: 0 }],
    ['fractional hours due', { type: 'CREATE_TASK', role: 'NURSE', name: 'x', dueInHours: 1.5 }],
    ['more than a year due', { type: 'CREATE_TASK', role: 'NURSE', name: 'x', dueInHours: 24 * 365 + 1 }],
    ['a description over 2000 characters', { type: 'CREATE_TASK', role: 'NURSE', name: 'x', description: 'd'.repeat(2001) }],
  ])('refuses %s', (_what, action) => {
    expect(onlyError(withAction(action))).toMatchObject({ code: 'INVALID_ACTION', path: 'transitions[2].actions[0]', event: 'CANCEL' });
  });

  it('accepts the longest due time', () => {
    expect(codes(withAction({ type: 'CREATE_TASK', role: 'NURSE', name: 'x', dueInHours: 24 * 365 }))).toEqual([]);
  });

  it('refuses an unknown role as UNKNOWN_ROLE at the role', () => {
    expect(onlyError(withAction({ type: 'CREATE_TASK', role: 'JANITOR', name: 'x' }))).toMatchObject({
      code: 'UNKNOWN_ROLE',
      path: 'transitions[2].actions[0].role',
    });
  });

  it('checks named users against the organization when their ids are given', () => {
    const action = { type: 'CREATE_TASK', userId: USER, name: 'x' };
    expect(codes(withAction(action))).toEqual([]);
    expect(codes(withAction(action), { knownUserIds: new Set([USER]) })).toEqual([]);
    expect(onlyError(withAction(action), { knownUserIds: new Set() })).toMatchObject({ code: 'UNKNOWN_USER', path: 'transitions[2].actions[0].userId' });
  });

  it('says which state an entry action belongs to', () => {
    const input = labMachine();
    input.states[1] = { ...input.states[1], actions: 'none' };
    expect(onlyError(input)).toMatchObject({ code: 'INVALID_ACTION', path: 'states[1].actions', state: 'COLLECTED', event: null });
  });
});

describe('validateStateMachine: reachability', () => {
  it('refuses a state no transition reaches', () => {
    const input = labMachine();
    input.states.push({ code: 'ON_HOLD' });
    input.transitions.push({ from: 'ON_HOLD', to: 'CANCELLED', event: 'DROP' });
    expect(onlyError(input)).toMatchObject({ code: 'UNREACHABLE_STATE', path: 'states[4]', state: 'ON_HOLD' });
  });

  it('refuses a state from which no terminal state can be reached', () => {
    const input = labMachine();
    input.states.push({ code: 'LIMBO' }, { code: 'LIMBO2' });
    input.transitions.push({ from: 'COLLECTED', to: 'LIMBO', event: 'PARK' }, { from: 'LIMBO', to: 'LIMBO2', event: 'NEXT' }, { from: 'LIMBO2', to: 'LIMBO', event: 'BACK' });
    expect(validateStateMachine(input).errors.map((e) => [e.code, e.state])).toEqual([
      ['DEAD_END_STATE', 'LIMBO'],
      ['DEAD_END_STATE', 'LIMBO2'],
    ]);
  });

  it('ignores transitions with unknown states when walking the graph', () => {
    const input = labMachine();
    input.transitions[1] = { ...input.transitions[1], from: 'GHOST' };
    const errors = validateStateMachine(input).errors.map((e) => [e.code, e.state]);
    expect(errors).toEqual([
      ['UNKNOWN_STATE', 'GHOST'],
      ['DEAD_END_STATE', 'COLLECTED'],
    ]);
  });

  it('collects every problem of a machine at once', () => {
    const input = labMachine();
    input.states.push({ code: 'COLLECTED' }, { code: 'ISLAND' });
    input.transitions.push({ from: 'RESULTED', to: 'NOWHERE', event: 'x y' });
    const found = new Set<ValidationCode>(codes(input));
    expect([...found].sort()).toEqual(['DEAD_END_STATE', 'DUPLICATE_STATE', 'INVALID_TRANSITION', 'TERMINAL_STATE_HAS_TRANSITIONS', 'UNKNOWN_STATE', 'UNREACHABLE_STATE']);
  });
});

describe('issue 21: who may act, reserved events, self-loops', () => {
  it('refuses roles without WORKFLOWS_WRITE in allowedRoles and task actions (ROLE_CANNOT_ACT)', () => {
    const input = labMachine();
    input.transitions[0] = { ...input.transitions[0], allowedRoles: ['NURSE', 'FRONT_DESK'], actions: [{ type: 'CREATE_TASK', role: 'BILLING', name: 'Bill' }] };
    expect(validateStateMachine(input).errors.map((e) => [e.code, e.path])).toEqual([
      ['ROLE_CANNOT_ACT', 'transitions[0].allowedRoles[1]'],
      ['ROLE_CANNOT_ACT', 'transitions[0].actions[0].role'],
    ]);
  });

  it('refuses the history\'s own events START and WORKFLOW_CANCELLED (RESERVED_EVENT)', () => {
    const input = labMachine();
    input.transitions[0] = { ...input.transitions[0], event: 'START' };
    expect(codes(input)).toEqual(['RESERVED_EVENT']);
  });

  it('keeps reenter on self-loops only', () => {
    const input = labMachine();
    input.transitions.push({ from: 'COLLECTED', to: 'COLLECTED', event: 'NOTE', reenter: true });
    const { machine } = validateStateMachine(input);
    expect(machine!.transitions.at(-1)).toMatchObject({ event: 'NOTE', reenter: true });
    input.transitions.push({ from: 'ORDERED', to: 'COLLECTED', event: 'SKIP', reenter: true });
    expect(validateStateMachine(input).errors.map((e) => e.path)).toEqual([`transitions[${input.transitions.length - 1}].reenter`]);
  });
});
