import { describe, expect, it, vi } from 'vitest';
import { makeViewer } from '../kernel/auth/viewer.js';
import { validateStateMachine, type StateMachine, type TransitionDef } from './definition-validation.js';
import { availableTransitions, failedGuards, guardError, initialState, label, mayFire, selectTransition, stateOf } from './workflow-rules.js';

const nurse = makeViewer('u-nurse', 'org', ['NURSE']);
const physician = makeViewer('u-doc', 'org', ['PHYSICIAN']);
const frontDesk = makeViewer('u-desk', 'org', ['FRONT_DESK']);

const machine: StateMachine = validateStateMachine({
  states: [
    { code: 'ORDERED', initial: true },
    { code: 'COLLECTED' },
    { code: 'RESULTED', terminal: true },
    { code: 'CANCELLED', terminal: true },
  ],
  transitions: [
    { from: 'ORDERED', to: 'COLLECTED', event: 'COLLECT', allowedRoles: ['NURSE'], guards: [{ type: 'FIELD_SET', field: 'specimenId' }] },
    { from: 'COLLECTED', to: 'RESULTED', event: 'RESULT', allowedRoles: ['ORG_ADMIN'], allowedPermissions: ['PRESCRIPTIONS_WRITE'] },
    { from: 'ORDERED', to: 'CANCELLED', event: 'CANCEL' },
  ],
}).machine!;

describe('states', () => {
  it('finds states by code and the initial one', () => {
    expect(machine).not.toBeNull();
    expect(initialState(machine).code).toBe('ORDERED');
    expect(stateOf(machine, 'RESULTED')?.terminal).toBe(true);
    expect(stateOf(machine, 'LOST')).toBeUndefined();
  });

  it('labels a transition as from --event--> to', () => {
    expect(label(machine.transitions[0]!)).toBe('ORDERED --COLLECT--> COLLECTED');
  });
});

describe('mayFire and availableTransitions', () => {
  it('lets anyone who may move workflows fire a transition that names no role or permission', () => {
    expect(mayFire(nurse, machine.transitions[2]!)).toBe(true);
    // Issue 21 (finding 7): FRONT_DESK lacks WORKFLOWS_WRITE, so it may fire nothing (it used to be offered this one).
    expect(mayFire(frontDesk, machine.transitions[2]!)).toBe(false);
  });

  it('allows by role or by permission', () => {
    const result = machine.transitions[1]!;
    expect(mayFire(physician, result)).toBe(true); // PHYSICIAN holds prescriptions:write
    expect(mayFire(makeViewer('a', 'org', ['ORG_ADMIN']), result)).toBe(true);
    expect(mayFire(nurse, result)).toBe(false);
  });

  it('lists the transitions from a state the viewer may fire', () => {
    expect(availableTransitions(machine, 'ORDERED', nurse).map((t) => t.event)).toEqual(['COLLECT', 'CANCEL']);
    expect(availableTransitions(machine, 'ORDERED', frontDesk).map((t) => t.event)).toEqual([]);
    expect(availableTransitions(machine, 'RESULTED', nurse)).toEqual([]);
  });
});

describe('selectTransition', () => {
  it('returns the transition and its target state', () => {
    const { transition, target } = selectTransition(machine, 'ORDERED', 'COLLECT', nurse);
    expect(transition.event).toBe('COLLECT');
    expect(target.code).toBe('COLLECTED');
  });

  it('refuses an event that does not leave the state, listing those that do', () => {
    expect(() => selectTransition(machine, 'ORDERED', 'RESULT', physician)).toThrow(
      expect.objectContaining({
        message: 'No transition leaves state "ORDERED" on event "RESULT"; events from "ORDERED": COLLECT, CANCEL',
        extensions: { code: 'BAD_USER_INPUT', field: 'event', rule: 'UNKNOWN_EVENT', currentState: 'ORDERED', availableEvents: ['COLLECT', 'CANCEL'] },
      }),
    );
    expect(() => selectTransition(machine, 'RESULTED', 'COLLECT', nurse)).toThrow(/events from "RESULTED": none$/);
  });

  it('refuses a viewer without the roles or permissions, as FORBIDDEN', () => {
    expect(() => selectTransition(machine, 'COLLECTED', 'RESULT', nurse)).toThrow(
      expect.objectContaining({
        message: 'Transition COLLECTED --RESULT--> RESULTED is allowed only for roles ORG_ADMIN or permissions PRESCRIPTIONS_WRITE; your roles: NURSE',
        extensions: { code: 'FORBIDDEN', rule: 'ALLOWED_ROLES', allowedRoles: ['ORG_ADMIN'], allowedPermissions: ['PRESCRIPTIONS_WRITE'] },
      }),
    );
    expect(() => selectTransition(machine, 'ORDERED', 'COLLECT', makeViewer('x', 'org', []))).toThrow(/only for roles NURSE; your roles: none$/);
  });
});

describe('failedGuards and guardError', () => {
  const collect = machine.transitions[0]!;

  it('checks context guards and asks about tasks only for TASKS_COMPLETED', async () => {
    const unfinished = vi.fn(async () => 0);
    expect(await failedGuards(collect.guards, { specimenId: 'S-1' }, unfinished)).toEqual([]);
    expect(unfinished).not.toHaveBeenCalled();
    expect(await failedGuards(collect.guards, {}, unfinished)).toEqual([
      { guard: { type: 'FIELD_SET', field: 'specimenId' }, reason: 'context variable "specimenId" must be set' },
    ]);
  });

  it('reports open tasks, named or not, and every failure at once', async () => {
    const unfinished = vi.fn(async (name: string | null) => (name ? 1 : 3));
    const failures = await failedGuards(
      [{ type: 'TASKS_COMPLETED' }, { type: 'TASKS_COMPLETED', taskName: 'Draw blood' }, { type: 'FIELD_SET', field: 'x' }],
      {},
      unfinished,
    );
    expect(failures.map((f) => f.reason)).toEqual(['3 tasks still open or claimed', '1 task named "Draw blood" still open or claimed', 'context variable "x" must be set']);
    expect(unfinished.mock.calls).toEqual([[null], ['Draw blood']]);
  });

  it('guardError says how many guards refused and which', async () => {
    const one = guardError(collect, await failedGuards(collect.guards, {}, async () => 0));
    expect(one.message).toBe('Transition ORDERED --COLLECT--> COLLECTED refused by a guard: FIELD_SET: context variable "specimenId" must be set');
    expect(one.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'event',
      rule: 'GUARD',
      failedGuards: [{ type: 'FIELD_SET', field: 'specimenId', reason: 'context variable "specimenId" must be set' }],
    });
    const transition: TransitionDef = { ...collect, guards: [] };
    const two = guardError(transition, [
      { guard: { type: 'FIELD_SET', field: 'a' }, reason: 'r1' },
      { guard: { type: 'TASKS_COMPLETED' }, reason: 'r2' },
    ]);
    expect(two.message).toBe('Transition ORDERED --COLLECT--> COLLECTED refused by 2 guards: FIELD_SET: r1; TASKS_COMPLETED: r2');
  });
});
