/**
 * Validation of the states of a machine: each state on its own, then the
 * machine's start and ends, then (once the transitions are known) whether
 * every state can be reached and can finish.
 */
import { validateActions } from './action-validation.js';
import { CODE_PATTERN, isObject, type StateDef, type TransitionDef } from './state-machine.js';
import type { ValidationContext } from './state-machine-errors.js';

export interface ValidStates {
  /** The valid states, in input order (a duplicate code is left out). */
  states: StateDef[];
  /** Code → position in the input (for paths). */
  stateIndex: Map<string, number>;
  stateByCode: Map<string, StateDef>;
}

export function validateStates(ctx: ValidationContext, rawStates: readonly unknown[]): ValidStates {
  const { add } = ctx;
  const states: StateDef[] = [];
  const stateIndex = new Map<string, number>();
  const stateByCode = new Map<string, StateDef>();
  rawStates.forEach((s, i) => {
    const at = `states[${i}]`;
    if (!isObject(s)) {
      add('INVALID_STATE', at, `${at}: a state must be an object like {"code":"ORDERED","name":"Ordered","initial":true,"terminal":false}`);
      return;
    }
    const state = validateState(ctx, s, at);
    const code = state.code;
    if (code) {
      const previous = stateIndex.get(code);
      if (previous !== undefined) {
        add('DUPLICATE_STATE', `${at}.code`, `State "${code}" is defined twice (states[${previous}] and states[${i}])`, code);
        return;
      }
      stateIndex.set(code, i);
      stateByCode.set(code, state);
    }
    states.push(state);
  });
  return { states, stateIndex, stateByCode };
}

/** One state: its code, name, flags and entry actions, normalised (an invalid code is kept, reported, and empty when missing). */
function validateState(ctx: ValidationContext, s: Record<string, unknown>, at: string): StateDef {
  const { add } = ctx;
  const code = typeof s.code === 'string' ? s.code.trim() : '';
  const label = code || '?';
  if (!CODE_PATTERN.test(code)) {
    add('INVALID_STATE', `${at}.code`, `${at}: "code" must start with a letter and hold only letters, digits, _ . - (at most 100 characters); got ${JSON.stringify(s.code ?? null)}`, code || null);
  }
  const name = s.name === undefined || s.name === null ? code : typeof s.name === 'string' ? s.name.trim() : '';
  // A missing name defaults to the code, whose own error already covers an empty one.
  if ((!name && (s.name !== undefined && s.name !== null)) || name.length > 200) add('INVALID_STATE', `${at}.name`, `${at} ("${label}"): "name" must be text of 1–200 characters`, code || null);
  for (const flag of ['initial', 'terminal'] as const) {
    if (s[flag] !== undefined && s[flag] !== null && typeof s[flag] !== 'boolean') {
      add('INVALID_STATE', `${at}.${flag}`, `${at} ("${label}"): "${flag}" must be true or false`, code || null);
    }
  }
  const state: StateDef = { code, name, initial: s.initial === true, terminal: s.terminal === true };
  const actions = validateActions(ctx, s.actions, `${at}.actions`, code || null, null, `State "${label}"`);
  if (actions.length) state.actions = actions;
  return state;
}

/** Exactly one initial state, not terminal, and at least one terminal state; returns the initial states found. */
export function validateStartAndEnd(ctx: ValidationContext, { states, stateIndex }: ValidStates): StateDef[] {
  const { add } = ctx;
  const initial = states.filter((s) => s.initial);
  if (initial.length === 0) {
    add('NO_INITIAL_STATE', 'states', 'No initial state: mark exactly one state with "initial": true');
  } else if (initial.length > 1) {
    add(
      'MULTIPLE_INITIAL_STATES',
      'states',
      `Several initial states (${initial.map((s) => s.code).join(', ')}): exactly one state may be initial`,
      initial[1]!.code,
    );
  }
  for (const s of initial) {
    if (s.terminal) {
      add('INITIAL_STATE_TERMINAL', `states[${stateIndex.get(s.code)}]`, `State "${s.code}" cannot be both initial and terminal: an instance would end as it starts`, s.code);
    }
  }
  if (!states.some((s) => s.terminal)) {
    add('NO_TERMINAL_STATE', 'states', 'No terminal state: mark at least one state with "terminal": true so instances can complete');
  }
  return initial;
}

/**
 * Runs on the transitions whose states exist; every non-terminal state must be reachable
 * from the initial state and must be able to reach some terminal state.
 */
export function validateReachability(
  ctx: ValidationContext,
  start: string,
  { states, stateIndex }: ValidStates,
  transitions: readonly TransitionDef[],
): void {
  const { add } = ctx;
  const forward = new Map<string, string[]>();
  const backward = new Map<string, string[]>();
  for (const t of transitions) {
    forward.set(t.from, [...(forward.get(t.from) ?? []), t.to]);
    backward.set(t.to, [...(backward.get(t.to) ?? []), t.from]);
  }
  const reachable = reach([start], forward);
  const canFinish = reach(states.filter((s) => s.terminal).map((s) => s.code), backward);
  for (const s of states) {
    if (s.terminal || !s.code) continue;
    const path = `states[${stateIndex.get(s.code)}]`;
    if (!reachable.has(s.code)) {
      add('UNREACHABLE_STATE', path, `State "${s.code}" is not reachable from the initial state "${start}"`, s.code);
    }
    if (!canFinish.has(s.code) && states.some((x) => x.terminal)) {
      add('DEAD_END_STATE', path, `State "${s.code}" cannot reach any terminal state: instances entering it could never complete`, s.code);
    }
  }
}

/** The states reachable from `roots` along `edges` (breadth first). */
function reach(roots: string[], edges: Map<string, string[]>): Set<string> {
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length) {
    for (const next of edges.get(queue.shift()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}
