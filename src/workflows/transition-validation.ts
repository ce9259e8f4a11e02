/**
 * Validation of the transitions of a machine: their ends and event, who may
 * fire them, their guards and actions. A transition whose states do not exist
 * is reported and left out (so reachability runs on the valid ones).
 */
import { ROLES, type Role } from '../kernel/auth/permissions.js';
import { validateActions } from './action-validation.js';
import {
  CODE_PATTERN, FIELD_PATTERN, GUARD_TYPES, PERMISSION_NAMES, RESERVED_EVENTS, WORKFLOW_ACTOR_ROLES, isObject, isScalar,
  type GuardDef, type GuardType, type GuardValue, type TransitionDef,
} from './state-machine.js';
import { describeTransition, type ValidationContext } from './state-machine-errors.js';
import type { ValidStates } from './state-validation.js';

export function validateTransitions(ctx: ValidationContext, rawTransitions: readonly unknown[], valid: ValidStates): TransitionDef[] {
  const transitions: TransitionDef[] = [];
  /** `from` NUL `event` → position of the first transition with them. */
  const byFromEvent = new Map<string, number>();
  rawTransitions.forEach((t, i) => {
    const at = `transitions[${i}]`;
    if (!isObject(t)) {
      ctx.add('INVALID_TRANSITION', at, `${at}: a transition must be an object like {"from":"A","to":"B","event":"GO"}`);
      return;
    }
    const transition = validateTransition(ctx, t, i, valid, byFromEvent);
    if (transition) transitions.push(transition);
  });
  return transitions;
}

/** One transition, normalised; null when a state it names is missing or unknown. */
function validateTransition(
  ctx: ValidationContext,
  t: Record<string, unknown>,
  i: number,
  { stateIndex, stateByCode }: ValidStates,
  byFromEvent: Map<string, number>,
): TransitionDef | null {
  const { add } = ctx;
  const at = `transitions[${i}]`;
  const label = describeTransition(i, t);
  const from = typeof t.from === 'string' ? t.from.trim() : '';
  const to = typeof t.to === 'string' ? t.to.trim() : '';
  const event = typeof t.event === 'string' ? t.event.trim() : '';
  const ev = event || null;
  if (!CODE_PATTERN.test(event)) {
    add('INVALID_TRANSITION', `${at}.event`, `${label}: "event" must start with a letter and hold only letters, digits, _ . - (at most 100 characters)`, null, ev);
  }
  if (RESERVED_EVENTS.includes(event)) {
    add('RESERVED_EVENT', `${at}.event`, `${label}: event "${event}" is reserved for the history's own entries (${RESERVED_EVENTS.join(', ')}); choose another name`, null, ev);
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
  const allowedRoles = validateAllowedRoles(ctx, t.allowedRoles, at, label, ev);
  const allowedPermissions = validateAllowedPermissions(ctx, t.allowedPermissions, at, label, ev);
  const guards = validateGuards(ctx, t.guards, at, label, ev);
  const actions = validateActions(ctx, t.actions, `${at}.actions`, null, ev, label);
  const transition: TransitionDef = { from, to, event, allowedRoles, guards, actions };
  if (allowedPermissions.length) transition.allowedPermissions = allowedPermissions;
  if (t.reenter !== undefined && t.reenter !== null) {
    if (typeof t.reenter !== 'boolean') add('INVALID_TRANSITION', `${at}.reenter`, `${label}: "reenter" must be true or false`, null, ev);
    else if (t.reenter && from !== to) add('INVALID_TRANSITION', `${at}.reenter`, `${label}: "reenter" applies only to a self-loop (from = to)`, null, ev);
    else if (t.reenter) transition.reenter = true;
  }
  return statesOk ? transition : null;
}

/** The known roles of the list, each once; a missing list allows no role. */
function validateAllowedRoles(ctx: ValidationContext, raw: unknown, at: string, label: string, ev: string | null): Role[] {
  const allowedRoles: Role[] = [];
  if (raw === undefined || raw === null) return allowedRoles;
  if (!Array.isArray(raw)) {
    ctx.add('INVALID_TRANSITION', `${at}.allowedRoles`, `${label}: "allowedRoles" must be a list of roles`, null, ev);
    return allowedRoles;
  }
  raw.forEach((r, j) => {
    if (typeof r === 'string' && (ROLES as readonly string[]).includes(r)) {
      if (!WORKFLOW_ACTOR_ROLES.includes(r as Role)) {
        ctx.add('ROLE_CANNOT_ACT', `${at}.allowedRoles[${j}]`, roleCannotAct(label, r), null, ev);
      } else if (!allowedRoles.includes(r as Role)) allowedRoles.push(r as Role);
    } else {
      ctx.add('UNKNOWN_ROLE', `${at}.allowedRoles[${j}]`, `${label}: unknown role ${JSON.stringify(r)} (known: ${ROLES.join(', ')})`, null, ev);
    }
  });
  return allowedRoles;
}

/** Why a role without workflows:write may not be named: it could never fire the transition or claim the task. */
export const roleCannotAct = (owner: string, role: string) =>
  `${owner}: role ${role} lacks the WORKFLOWS_WRITE permission, so it could never act on it (roles that can: ${WORKFLOW_ACTOR_ROLES.join(', ')})`;

/** The known permissions (SDL spelling) of the list, each once. */
function validateAllowedPermissions(ctx: ValidationContext, raw: unknown, at: string, label: string, ev: string | null): string[] {
  const allowedPermissions: string[] = [];
  if (raw === undefined || raw === null) return allowedPermissions;
  if (!Array.isArray(raw)) {
    ctx.add('INVALID_TRANSITION', `${at}.allowedPermissions`, `${label}: "allowedPermissions" must be a list of permissions`, null, ev);
    return allowedPermissions;
  }
  raw.forEach((p, j) => {
    if (typeof p === 'string' && PERMISSION_NAMES.includes(p)) {
      if (!allowedPermissions.includes(p)) allowedPermissions.push(p);
    } else {
      ctx.add('UNKNOWN_PERMISSION', `${at}.allowedPermissions[${j}]`, `${label}: unknown permission ${JSON.stringify(p)} (known: ${PERMISSION_NAMES.join(', ')})`, null, ev);
    }
  });
  return allowedPermissions;
}

function validateGuards(ctx: ValidationContext, raw: unknown, at: string, label: string, ev: string | null): GuardDef[] {
  const guards: GuardDef[] = [];
  if (raw === undefined || raw === null) return guards;
  if (!Array.isArray(raw)) {
    ctx.add('INVALID_GUARD', `${at}.guards`, `${label}: "guards" must be a list`, null, ev);
    return guards;
  }
  raw.forEach((g, j) => {
    const guard = validateGuard(ctx, g, `${at}.guards[${j}]`, `${label}: guard ${j}`, ev);
    if (guard) guards.push(guard);
  });
  return guards;
}

/** One guard, normalised; null (and reported) when invalid. */
function validateGuard(ctx: ValidationContext, g: unknown, path: string, owner: string, ev: string | null): GuardDef | null {
  const fail = (message: string) => {
    ctx.add('INVALID_GUARD', path, `${owner}: ${message}`, null, ev);
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
