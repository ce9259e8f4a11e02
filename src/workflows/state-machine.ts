/**
 * The workflow state machine as stored in `workflow_definitions.state_machine`
 * (validated by definition-validation.ts), and the check of a guard against an
 * instance's context variables.
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
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Role } from '../kernel/auth/permissions.js';

/** Roles that may move workflows and claim their tasks (hold workflows:write); definitions may name only these. */
export const WORKFLOW_ACTOR_ROLES: readonly Role[] = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('workflows:write'));

/** Events the history records itself (start, cancellation); no definition may fire them. */
export const RESERVED_EVENTS: readonly string[] = ['START', 'WORKFLOW_CANCELLED'];

/** Context keys the server owns (from the instance's columns); variables and form data may not set them. */
export const SYSTEM_CONTEXT_KEYS: readonly string[] = ['patientId'];

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
  /**
   * Only for a self-loop (from = to): true re-enters the state, cancelling its open tasks and
   * running its entry actions again; by default a self-loop keeps them and runs only its own actions.
   */
  reenter?: boolean;
}

export interface StateMachine {
  states: StateDef[];
  transitions: TransitionDef[];
}

/** State codes and events: a letter, then letters, digits, `_`, `-` or `.`; at most 100 characters. */
export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
/** Context variable paths such as `specimenId` or `specimen.barcode`. */
export const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,9}$/;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isScalar = (v: unknown): v is GuardValue =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Reads a dotted path (`specimen.barcode`) from context variables: own properties only (never `constructor`, `__proto__`). */
export function readPath(context: Record<string, unknown>, path: string): unknown {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
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
