/** The problems a state machine can have, how they are reported while validating, and how they are summarised. */
import type { StateMachine } from './state-machine.js';

export type ValidationCode =
  | 'INVALID_SHAPE'
  | 'INVALID_STATE'
  | 'DUPLICATE_STATE'
  | 'NO_INITIAL_STATE'
  | 'MULTIPLE_INITIAL_STATES'
  | 'INITIAL_STATE_TERMINAL'
  | 'NO_TERMINAL_STATE'
  | 'INVALID_TRANSITION'
  | 'UNKNOWN_STATE'
  | 'TERMINAL_STATE_HAS_TRANSITIONS'
  | 'DUPLICATE_TRANSITION'
  | 'UNKNOWN_ROLE'
  | 'ROLE_CANNOT_ACT'
  | 'RESERVED_EVENT'
  | 'UNKNOWN_PERMISSION'
  | 'INVALID_GUARD'
  | 'INVALID_ACTION'
  | 'UNKNOWN_USER'
  | 'UNREACHABLE_STATE'
  | 'DEAD_END_STATE';

/** One problem of a state machine; `state` / `event` name what it is about. */
export interface ValidationError {
  code: ValidationCode;
  message: string;
  /** Where in the state machine JSON, e.g. `transitions[2].allowedRoles[0]`. */
  path: string;
  /** The state code the problem is about, when it is about a state. */
  state: string | null;
  /** The transition's event, when it is about a transition. */
  event: string | null;
}

export interface ValidationResult {
  /** The normalised machine (trimmed, defaults filled, unknown keys dropped); null when there are errors. */
  machine: StateMachine | null;
  errors: ValidationError[];
}

/** Reports one problem; `state` / `event` say what it is about. Problems are shown in the order they are reported. */
export type ReportError = (code: ValidationCode, path: string, message: string, state?: string | null, event?: string | null) => void;

/** What every step of the validation shares. */
export interface ValidationContext {
  add: ReportError;
  /** The users of the organization that CREATE_TASK actions may name; unchecked when absent. */
  knownUserIds?: ReadonlySet<string>;
}

/** How messages name a transition: `transitions[2] (ORDERED --COLLECT--> COLLECTED)`. */
export function describeTransition(index: number, t: { from?: unknown; to?: unknown; event?: unknown }): string {
  const show = (v: unknown) => (typeof v === 'string' && v ? v : '?');
  return `transitions[${index}] (${show(t.from)} --${show(t.event)}--> ${show(t.to)})`;
}

/** A one-line summary of the errors, for the GraphQL error message. */
export function summarizeErrors(errors: readonly ValidationError[], max = 10): string {
  const shown = errors.slice(0, max).map((e) => e.message);
  const more = errors.length > max ? `; and ${errors.length - max} more (see extensions.validationErrors)` : '';
  return `The workflow state machine is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}): ${shown.join('; ')}${more}`;
}
