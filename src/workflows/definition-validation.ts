/**
 * Validation of a workflow state machine (the shape is in state-machine.ts).
 * Pure: no database, no context. Every problem is collected (not just the
 * first) and names the offending state or transition, so a designer can show
 * them all at once. The steps: the overall shape, the states, the start and
 * ends, the transitions, and reachability.
 *
 * This module is where the rest of the code (and codegen's mappers) imports
 * the state machine's types from.
 */
import type { ReportError, ValidationError, ValidationResult } from './state-machine-errors.js';
import { isObject } from './state-machine.js';
import { validateReachability, validateStartAndEnd, validateStates } from './state-validation.js';
import { validateTransitions } from './transition-validation.js';

export {
  CODE_PATTERN, FIELD_PATTERN, GUARD_TYPES, PERMISSION_NAMES, RESERVED_EVENTS, SYSTEM_CONTEXT_KEYS, TASK_PRIORITIES,
  WORKFLOW_ACTOR_ROLES, contextGuardFailure, readPath,
  type ActionDef, type GuardDef, type GuardType, type GuardValue, type StateDef, type StateMachine, type TaskPriority,
  type TransitionDef,
} from './state-machine.js';
export {
  describeTransition, summarizeErrors, type ValidationCode, type ValidationError, type ValidationResult,
} from './state-machine-errors.js';

const MAX_STATES = 200;
const MAX_TRANSITIONS = 1000;

/**
 * Validates and normalises a state machine. `knownUserIds`, when given, is the
 * set of users of the organization that CREATE_TASK actions may name.
 */
export function validateStateMachine(input: unknown, options: { knownUserIds?: ReadonlySet<string> } = {}): ValidationResult {
  const errors: ValidationError[] = [];
  const add: ReportError = (code, path, message, state = null, event = null) => {
    errors.push({ code, path, message, state, event });
  };
  const ctx = { add, knownUserIds: options.knownUserIds };

  const lists = validateShape(add, input);
  if (!lists) return { machine: null, errors };
  const valid = validateStates(ctx, lists.states);
  const initial = validateStartAndEnd(ctx, valid);
  const transitions = validateTransitions(ctx, lists.transitions, valid);
  if (initial.length === 1) validateReachability(ctx, initial[0]!.code, valid, transitions);

  return errors.length ? { machine: null, errors } : { machine: { states: valid.states, transitions }, errors };
}

/** An object with a non-empty list of states and a list of transitions, both within limits; null (reported) otherwise. */
function validateShape(add: ReportError, input: unknown): { states: unknown[]; transitions: unknown[] } | null {
  if (!isObject(input)) {
    add('INVALID_SHAPE', '', 'The state machine must be an object with "states" and "transitions" lists');
    return null;
  }
  const { states, transitions } = input;
  const statesProblem =
    !Array.isArray(states) || states.length === 0
      ? '"states" must be a non-empty list of states'
      : states.length > MAX_STATES
        ? `"states" may hold at most ${MAX_STATES} states (got ${states.length})`
        : null;
  const transitionsProblem = !Array.isArray(transitions)
    ? '"transitions" must be a list (it may be empty only for a single-state machine)'
    : transitions.length > MAX_TRANSITIONS
      ? `"transitions" may hold at most ${MAX_TRANSITIONS} transitions (got ${transitions.length})`
      : null;
  if (statesProblem) add('INVALID_SHAPE', 'states', statesProblem);
  if (transitionsProblem) add('INVALID_SHAPE', 'transitions', transitionsProblem);
  return statesProblem || transitionsProblem ? null : { states: states as unknown[], transitions: transitions as unknown[] };
}
