/**
 * The workflow state machine as stored in `workflow_definitions.state_machine`,
 * and its validation. Pure: no database, no context. Every problem is
 * collected (not just the first) and names the offending state or transition,
 * so a designer can show them all at once.
 *
 * Shape (the seeder writes the same):
 * {
 *   "states": [{ "code": "ORDERED", "name": "Ordered", "initial": true, "terminal": false,
 *                "actions": [ …entry actions, optional… ] }, …],
 *   "transitions": [{ "from": "ORDERED", "to": "COLLECTED", "event": "COLLECT",
 *                     "allowedRoles": ["NURSE", "PHYSICIAN"], "allowedPermissions": ["CLINICAL_WRITE"],
 *                     "guards": [{ "type": "FIELD_SET", "field": "specimenId" }],
 *                     "actions": [{ "type": "CREATE_TASK", "role": "NURSE", "name": "Enter results" }] }, …]
 * }
 */
import { isUuid } from '../kernel/global-id.js';
import { PERMISSIONS, ROLES, type Role } from '../kernel/auth/permissions.js';

export const TASK_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Permissions as the SDL enum spells them (`CLINICAL_WRITE`), which is how definitions name them. */
export const PERMISSION_NAMES: readonly string[] = PERMISSIONS.map((p) => p.replace(':', '_').toUpperCase());

export const GUARD_TYPES = ['FIELD_SET', 'FIELD_EQUALS', 'FIELD_IN', 'TASKS_COMPLETED'] as const;
export type GuardType = (typeof GUARD_TYPES)[number];

/** A scalar a FIELD_EQUALS / FIELD_IN guard compares context variables with. */
export type GuardValue = string | number | boolean | null;

/**
 * A condition checked before a transition applies:
 * - FIELD_SET: context variable `field` (dotted path) is present, not null, not blank, not an empty list.
 * - FIELD_EQUALS: context variable `field` equals `value`.
 * - FIELD_IN: context variable `field` equals one of `values`.
 * - TASKS_COMPLETED: no task of the instance (named `taskName`, when given) is still OPEN or CLAIMED.
 */
export interface GuardDef {
  type: GuardType;
  field?: string;
  value?: GuardValue;
  values?: GuardValue[];
  taskName?: string;
}

/**
 * An effect of a transition (or of entering a state). CREATE_TASK opens a task
 * for `role` or `userId` (at least one); `priority` defaults to NORMAL and
 * `dueInHours` to the organization's workflow_config.default_task_due_hours.
 */
export interface ActionDef {
  type: 'CREATE_TASK';
  name: string;
  description?: string;
  role?: Role;
  userId?: string;
  priority?: TaskPriority;
  dueInHours?: number;
}

export interface StateDef {
  code: string;
  name: string;
  initial: boolean;
  terminal: boolean;
  /** Entry actions: run whenever an instance enters this state (for the initial state: when it starts). */
  actions?: ActionDef[];
}

export interface TransitionDef {
  from: string;
  to: string;
  event: string;
  allowedRoles: Role[];
  allowedPermissions?: string[];
  guards: GuardDef[];
  actions: ActionDef[];
}

export interface StateMachine {
  states: StateDef[];
  transitions: TransitionDef[];
}

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

/** State codes and events: a letter, then letters, digits, `_`, `-` or `.`; at most 100 characters. */
export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
/** Context variable paths such as `specimenId` or `specimen.barcode`. */
export const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,9}$/;
const MAX_STATES = 200;
const MAX_TRANSITIONS = 1000;
const MAX_DUE_HOURS = 24 * 365;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is GuardValue =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** How messages name a transition: `transitions[2] (ORDERED --COLLECT--> COLLECTED)`. */
export function describeTransition(index: number, t: { from?: unknown; to?: unknown; event?: unknown }): string {
  const show = (v: unknown) => (typeof v === 'string' && v ? v : '?');
  return `transitions[${index}] (${show(t.from)} --${show(t.event)}--> ${show(t.to)})`;
}

/**
 * Validates and normalises a state machine. `knownUserIds`, when given, is the
 * set of users of the organization that CREATE_TASK actions may name.
 */
export function validateStateMachine(input: unknown, options: { knownUserIds?: ReadonlySet<string> } = {}): ValidationResult {
  const errors: ValidationError[] = [];
  const add = (code: ValidationCode, path: string, message: string, state: string | null = null, event: string | null = null) =>
    errors.push({ code, path, message, state, event });

  if (!isObject(input)) {
    add('INVALID_SHAPE', '', 'The state machine must be an object with "states" and "transitions" lists');
    return { machine: null, errors };
  }
  if (!Array.isArray(input.states) || input.states.length === 0) {
    add('INVALID_SHAPE', 'states', '"states" must be a non-empty list of states');
  } else if (input.states.length > MAX_STATES) {
    add('INVALID_SHAPE', 'states', `"states" may hold at most ${MAX_STATES} states (got ${input.states.length})`);
  }
  if (!Array.isArray(input.transitions)) {
    add('INVALID_SHAPE', 'transitions', '"transitions" must be a list (it may be empty only for a single-state machine)');
  } else if (input.transitions.length > MAX_TRANSITIONS) {
    add('INVALID_SHAPE', 'transitions', `"transitions" may hold at most ${MAX_TRANSITIONS} transitions (got ${input.transitions.length})`);
  }
  if (errors.length) return { machine: null, errors };
  const rawStates = input.states as unknown[];
  const rawTransitions = input.transitions as unknown[];

  // --- Actions (shared by states and transitions) -------------------------------------------
  const actionsAt = (raw: unknown, path: string, state: string | null, event: string | null, owner: string): ActionDef[] => {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      add('INVALID_ACTION', path, `${owner}: "actions" must be a list`, state, event);
      return [];
    }
    const out: ActionDef[] = [];
    raw.forEach((a, i) => {
      const at = `${path}[${i}]`;
      const fail = (message: string) => add('INVALID_ACTION', at, `${owner}: action ${i}: ${message}`, state, event);
      if (!isObject(a)) return fail('must be an object such as {"type":"CREATE_TASK","role":"NURSE","name":"…"}');
      if (a.type !== 'CREATE_TASK') return fail(`unknown action type ${JSON.stringify(a.type)} (known: CREATE_TASK)`);
      const action: ActionDef = { type: 'CREATE_TASK', name: '' };
      const name = typeof a.name === 'string' ? a.name.trim() : '';
      if (!name || name.length > 200) fail('"name" must be text of 1–200 characters');
      action.name = name;
      if (a.description !== undefined && a.description !== null) {
        if (typeof a.description !== 'string' || a.description.length > 2000) fail('"description" must be text of at most 2000 characters');
        else if (a.description.trim()) action.description = a.description.trim();
      }
      if (a.role !== undefined && a.role !== null) {
        if (typeof a.role !== 'string' || !(ROLES as readonly string[]).includes(a.role)) {
          add('UNKNOWN_ROLE', `${at}.role`, `${owner}: action ${i}: unknown role ${JSON.stringify(a.role)} (known: ${ROLES.join(', ')})`, state, event);
        } else action.role = a.role as Role;
      }
      if (a.userId !== undefined && a.userId !== null) {
        if (typeof a.userId !== 'string' || !isUuid(a.userId)) fail('"userId" must be a user UUID');
        else if (options.knownUserIds && !options.knownUserIds.has(a.userId.toLowerCase())) {
          add('UNKNOWN_USER', `${at}.userId`, `${owner}: action ${i}: user ${a.userId} is not an active user of your organization`, state, event);
        } else action.userId = a.userId.toLowerCase();
      }
      if ((a.role === undefined || a.role === null) && (a.userId === undefined || a.userId === null)) {
        fail('a task needs an assignee: give "role", "userId" or both');
      }
      if (a.priority !== undefined && a.priority !== null) {
        if (!(TASK_PRIORITIES as readonly unknown[]).includes(a.priority)) fail(`"priority" must be one of ${TASK_PRIORITIES.join(', ')}`);
        else action.priority = a.priority as TaskPriority;
      }
      if (a.dueInHours !== undefined && a.dueInHours !== null) {
        if (typeof a.dueInHours !== 'number' || !Number.isInteger(a.dueInHours) || a.dueInHours < 1 || a.dueInHours > MAX_DUE_HOURS) {
          fail(`"dueInHours" must be a whole number from 1 to ${MAX_DUE_HOURS}`);
        } else action.dueInHours = a.dueInHours;
      }
      out.push(action);
    });
    return out;
  };

  // --- States ------------------------------------------------------------------------------
  const states: StateDef[] = [];
  /** Code → position in the input (for paths) and the state itself. */
  const stateIndex = new Map<string, number>();
  const stateByCode = new Map<string, StateDef>();
  rawStates.forEach((s, i) => {
    const at = `states[${i}]`;
    if (!isObject(s)) {
      add('INVALID_STATE', at, `${at}: a state must be an object like {"code":"ORDERED","name":"Ordered","initial":true,"terminal":false}`);
      return;
    }
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
    const actions = actionsAt(s.actions, `${at}.actions`, code || null, null, `State "${label}"`);
    if (actions.length) state.actions = actions;
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

  // --- Transitions -------------------------------------------------------------------------
  const transitions: TransitionDef[] = [];
  const byFromEvent = new Map<string, number>();
  rawTransitions.forEach((t, i) => {
    const at = `transitions[${i}]`;
    if (!isObject(t)) {
      add('INVALID_TRANSITION', at, `${at}: a transition must be an object like {"from":"A","to":"B","event":"GO"}`);
      return;
    }
    const label = describeTransition(i, t);
    const from = typeof t.from === 'string' ? t.from.trim() : '';
    const to = typeof t.to === 'string' ? t.to.trim() : '';
    const event = typeof t.event === 'string' ? t.event.trim() : '';
    const ev = event || null;
    if (!CODE_PATTERN.test(event)) {
      add('INVALID_TRANSITION', `${at}.event`, `${label}: "event" must start with a letter and hold only letters, digits, _ . - (at most 100 characters)`, null, ev);
    }
    let statesOk = true;
    for (const [key, code] of [['from', from], ['to', to]] as const) {
      if (!code) {
        add('INVALID_TRANSITION', `${at}.${key}`, `${label}: "${key}" must name a state`, null, ev);
        statesOk = false;
      } else if (!stateIndex.has(code)) {
        add('UNKNOWN_STATE', `${at}.${key}`, `${label}: ${key === 'from' ? 'source' : 'target'} state "${code}" does not exist`, code, ev);
        statesOk = false;
      }
    }
    if (stateByCode.get(from)?.terminal) {
      add('TERMINAL_STATE_HAS_TRANSITIONS', `${at}.from`, `${label}: state "${from}" is terminal, so no transition may leave it`, from, ev);
    }
    if (from && event) {
      const key = `${from}\u0000${event}`;
      const previous = byFromEvent.get(key);
      if (previous !== undefined) {
        add(
          'DUPLICATE_TRANSITION',
          at,
          `${label}: event "${event}" already leaves state "${from}" in transitions[${previous}]; (from, event) must be unique`,
          from,
          event,
        );
      } else byFromEvent.set(key, i);
    }
    const allowedRoles: Role[] = [];
    if (t.allowedRoles !== undefined && t.allowedRoles !== null) {
      if (!Array.isArray(t.allowedRoles)) add('INVALID_TRANSITION', `${at}.allowedRoles`, `${label}: "allowedRoles" must be a list of roles`, null, ev);
      else {
        t.allowedRoles.forEach((r, j) => {
          if (typeof r === 'string' && (ROLES as readonly string[]).includes(r)) {
            if (!allowedRoles.includes(r as Role)) allowedRoles.push(r as Role);
          } else {
            add('UNKNOWN_ROLE', `${at}.allowedRoles[${j}]`, `${label}: unknown role ${JSON.stringify(r)} (known: ${ROLES.join(', ')})`, null, ev);
          }
        });
      }
    }
    const allowedPermissions: string[] = [];
    if (t.allowedPermissions !== undefined && t.allowedPermissions !== null) {
      if (!Array.isArray(t.allowedPermissions)) {
        add('INVALID_TRANSITION', `${at}.allowedPermissions`, `${label}: "allowedPermissions" must be a list of permissions`, null, ev);
      } else {
        t.allowedPermissions.forEach((p, j) => {
          if (typeof p === 'string' && PERMISSION_NAMES.includes(p)) {
            if (!allowedPermissions.includes(p)) allowedPermissions.push(p);
          } else {
            add('UNKNOWN_PERMISSION', `${at}.allowedPermissions[${j}]`, `${label}: unknown permission ${JSON.stringify(p)} (known: ${PERMISSION_NAMES.join(', ')})`, null, ev);
          }
        });
      }
    }
    const guards: GuardDef[] = [];
    if (t.guards !== undefined && t.guards !== null) {
      if (!Array.isArray(t.guards)) add('INVALID_GUARD', `${at}.guards`, `${label}: "guards" must be a list`, null, ev);
      else t.guards.forEach((g, j) => {
        const guard = guardAt(g, `${at}.guards[${j}]`, `${label}: guard ${j}`, ev);
        if (guard) guards.push(guard);
      });
    }
    const actions = actionsAt(t.actions, `${at}.actions`, null, ev, label);
    const transition: TransitionDef = { from, to, event, allowedRoles, guards, actions };
    if (allowedPermissions.length) transition.allowedPermissions = allowedPermissions;
    if (statesOk) transitions.push(transition);
  });

  function guardAt(g: unknown, path: string, owner: string, ev: string | null): GuardDef | null {
    const fail = (message: string) => {
      add('INVALID_GUARD', path, `${owner}: ${message}`, null, ev);
      return null;
    };
    if (!isObject(g)) return fail('must be an object such as {"type":"FIELD_SET","field":"specimenId"}');
    if (!(GUARD_TYPES as readonly unknown[]).includes(g.type)) {
      return fail(`unknown guard type ${JSON.stringify(g.type)} (known: ${GUARD_TYPES.join(', ')})`);
    }
    const type = g.type as GuardType;
    if (type === 'TASKS_COMPLETED') {
      if (g.taskName === undefined || g.taskName === null) return { type };
      if (typeof g.taskName !== 'string' || !g.taskName.trim() || g.taskName.length > 200) return fail('"taskName" must be text of 1–200 characters');
      return { type, taskName: g.taskName.trim() };
    }
    if (typeof g.field !== 'string' || !FIELD_PATTERN.test(g.field)) {
      return fail(`${type} needs "field": a context variable name such as "specimenId" or "specimen.barcode"`);
    }
    if (type === 'FIELD_SET') return { type, field: g.field };
    if (type === 'FIELD_EQUALS') {
      if (!('value' in g) || !isScalar(g.value)) return fail('FIELD_EQUALS needs "value": a string, number, boolean or null');
      return { type, field: g.field, value: g.value };
    }
    if (!Array.isArray(g.values) || g.values.length === 0 || !g.values.every(isScalar)) {
      return fail('FIELD_IN needs "values": a non-empty list of strings, numbers, booleans or null');
    }
    return { type, field: g.field, values: g.values as GuardValue[] };
  }

  // --- Reachability --------------------------------------------------------------------------
  // Runs on the transitions whose states exist; every non-terminal state must be reachable
  // from the initial state and must be able to reach some terminal state.
  if (initial.length === 1) {
    const start = initial[0]!.code;
    const forward = new Map<string, string[]>();
    const backward = new Map<string, string[]>();
    for (const t of transitions) {
      forward.set(t.from, [...(forward.get(t.from) ?? []), t.to]);
      backward.set(t.to, [...(backward.get(t.to) ?? []), t.from]);
    }
    const reach = (roots: string[], edges: Map<string, string[]>) => {
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
    };
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

  return errors.length ? { machine: null, errors } : { machine: { states, transitions }, errors };
}

/** A one-line summary of the errors, for the GraphQL error message. */
export function summarizeErrors(errors: readonly ValidationError[], max = 10): string {
  const shown = errors.slice(0, max).map((e) => e.message);
  const more = errors.length > max ? `; and ${errors.length - max} more (see extensions.validationErrors)` : '';
  return `The workflow state machine is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}): ${shown.join('; ')}${more}`;
}

/** Reads a dotted path (`specimen.barcode`) from context variables. */
export function readPath(context: Record<string, unknown>, path: string): unknown {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Why a context guard fails, or null when it passes (TASKS_COMPLETED is checked by the service). */
export function contextGuardFailure(guard: GuardDef, context: Record<string, unknown>): string | null {
  const field = guard.field ?? '';
  const value = readPath(context, field);
  switch (guard.type) {
    case 'FIELD_SET': {
      const empty =
        value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
      return empty ? `context variable "${field}" must be set` : null;
    }
    case 'FIELD_EQUALS':
      return value === guard.value ? null : `context variable "${field}" must equal ${JSON.stringify(guard.value)} (it is ${JSON.stringify(value ?? null)})`;
    case 'FIELD_IN':
      return (guard.values ?? []).some((v) => v === value)
        ? null
        : `context variable "${field}" must be one of ${JSON.stringify(guard.values)} (it is ${JSON.stringify(value ?? null)})`;
    default:
      return null;
  }
}
