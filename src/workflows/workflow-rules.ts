/**
 * How a running instance moves: which transition an event selects, who may
 * fire it and whether its context guards pass. Pure: the service adds the
 * database-backed TASKS_COMPLETED guard and applies the result.
 */
import { permissionFromEnum } from '../kernel/auth/directives.js';
import type { Viewer } from '../kernel/auth/viewer.js';
import { badInput, DomainError } from '../kernel/errors.js';
import { contextGuardFailure, type GuardDef, type StateDef, type StateMachine, type TransitionDef } from './definition-validation.js';

/** Events the history records that no definition fires (RESERVED_EVENTS refuses them in definitions). */
export const START_EVENT = 'START';
export const CANCEL_EVENT = 'WORKFLOW_CANCELLED';

export const label = (t: Pick<TransitionDef, 'from' | 'event' | 'to'>) => `${t.from} --${t.event}--> ${t.to}`;

export function stateOf(machine: StateMachine, code: string): StateDef | undefined {
  return machine.states.find((s) => s.code === code);
}

export function initialState(machine: StateMachine): StateDef {
  const initial = machine.states.find((s) => s.initial);
  if (!initial) throw new Error('a validated state machine always has an initial state');
  return initial;
}

/**
 * Whether the viewer may fire the transition: the one place workflow authority is decided.
 * Moving a workflow always needs workflows:write (whatever a definition stored before roles
 * without it were refused); then one of the transition's roles or permissions (anyone when it names none).
 */
export function mayFire(viewer: Viewer, t: TransitionDef): boolean {
  if (!viewer.permissions.has('workflows:write')) return false;
  const permissions = t.allowedPermissions ?? [];
  if (t.allowedRoles.length === 0 && permissions.length === 0) return true;
  return t.allowedRoles.some((r) => viewer.roles.includes(r)) || permissions.some((p) => viewer.permissions.has(permissionFromEnum(p)));
}

/**
 * Whether the viewer may cancel an instance in `state`: workflow administrators always; otherwise
 * whoever may end it from there, i.e. fire a transition from `state` into a terminal state (so
 * cancelling is never a way around the definition's roles).
 */
export function mayCancel(machine: StateMachine, state: string, viewer: Viewer): boolean {
  if (!viewer.permissions.has('workflows:write')) return false;
  if (viewer.permissions.has('workflows:admin')) return true;
  return machine.transitions.some((t) => t.from === state && stateOf(machine, t.to)?.terminal === true && mayFire(viewer, t));
}

/** FORBIDDEN for a viewer who may not cancel (see mayCancel). */
export function cancelRefused(machine: StateMachine, state: string, viewer: Viewer): DomainError {
  const enders = machine.transitions.filter((t) => t.from === state && stateOf(machine, t.to)?.terminal === true);
  const roles = [...new Set(enders.flatMap((t) => t.allowedRoles))];
  return new DomainError(
    'FORBIDDEN',
    `Only workflow administrators${roles.length ? ` or roles ${roles.join(', ')}` : ''} may cancel this workflow in state "${state}" (whoever may end it from there); your roles: ${viewer.roles.join(', ') || 'none'}`,
    { rule: 'ALLOWED_ROLES', allowedRoles: roles },
  );
}

/** The transitions the viewer may fire from `state` (guards not evaluated). */
export function availableTransitions(machine: StateMachine, state: string, viewer: Viewer): TransitionDef[] {
  return machine.transitions.filter((t) => t.from === state && mayFire(viewer, t));
}

/**
 * Selects the transition `event` fires from `state` and checks the viewer may
 * fire it: BAD_USER_INPUT (rule UNKNOWN_EVENT) when none leaves the state on
 * that event, FORBIDDEN (rule ALLOWED_ROLES) when the viewer's roles are not allowed.
 */
export function selectTransition(machine: StateMachine, state: string, event: string, viewer: Viewer): { transition: TransitionDef; target: StateDef } {
  const transition = machine.transitions.find((t) => t.from === state && t.event === event);
  if (!transition) {
    const events = machine.transitions.filter((t) => t.from === state).map((t) => t.event);
    throw badInput(
      `No transition leaves state "${state}" on event "${event}"; events from "${state}": ${events.length ? events.join(', ') : 'none'}`,
      'event',
      { rule: 'UNKNOWN_EVENT', currentState: state, availableEvents: events },
    );
  }
  if (!mayFire(viewer, transition)) {
    const permissions = transition.allowedPermissions ?? [];
    const allowed = [
      transition.allowedRoles.length ? `roles ${transition.allowedRoles.join(', ')}` : null,
      permissions.length ? `permissions ${permissions.join(', ')}` : null,
    ]
      .filter(Boolean)
      .join(' or ');
    throw new DomainError('FORBIDDEN', `Transition ${label(transition)} is allowed only for ${allowed}; your roles: ${viewer.roles.join(', ') || 'none'}`, {
      rule: 'ALLOWED_ROLES',
      allowedRoles: transition.allowedRoles,
      allowedPermissions: permissions,
    });
  }
  const target = stateOf(machine, transition.to);
  if (!target) throw new Error(`validated machine names missing state ${transition.to}`);
  return { transition, target };
}

/** What guards read: the user context with the system keys from the instance's own columns (they always win). */
export function guardContext(instance: { context: Record<string, unknown>; patientId: string | null }): Record<string, unknown> {
  return { ...instance.context, patientId: instance.patientId };
}

/** One failed guard, as reported in `extensions.failedGuards`. */
export interface GuardFailure {
  guard: GuardDef;
  reason: string;
}

/**
 * Evaluates the guards; `unfinishedTasks(taskName)` answers TASKS_COMPLETED
 * from the database. Returns every failure (empty when all pass).
 */
export async function failedGuards(
  guards: readonly GuardDef[],
  context: Record<string, unknown>,
  unfinishedTasks: (taskName: string | null) => Promise<number>,
): Promise<GuardFailure[]> {
  const failures: GuardFailure[] = [];
  for (const guard of guards) {
    if (guard.type === 'TASKS_COMPLETED') {
      const open = await unfinishedTasks(guard.taskName ?? null);
      if (open > 0) {
        failures.push({
          guard,
          reason: `${open} task${open === 1 ? '' : 's'}${guard.taskName ? ` named "${guard.taskName}"` : ''} still open or claimed`,
        });
      }
      continue;
    }
    const reason = contextGuardFailure(guard, context);
    if (reason) failures.push({ guard, reason });
  }
  return failures;
}

export function guardError(transition: TransitionDef, failures: readonly GuardFailure[]) {
  return badInput(
    `Transition ${label(transition)} refused by ${failures.length === 1 ? 'a guard' : `${failures.length} guards`}: ${failures
      .map((f) => `${f.guard.type}: ${f.reason}`)
      .join('; ')}`,
    'event',
    { rule: 'GUARD', failedGuards: failures.map((f) => ({ ...f.guard, reason: f.reason })) },
  );
}
