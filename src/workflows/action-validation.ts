/** Validation of the actions of a state (on entry) or of a transition: the tasks they open. */
import { ROLES, type Role } from '../kernel/auth/permissions.js';
import { isUuid } from '../kernel/global-id.js';
import { TASK_PRIORITIES, WORKFLOW_ACTOR_ROLES, isObject, type ActionDef, type TaskPriority } from './state-machine.js';
import type { ValidationContext } from './state-machine-errors.js';

const MAX_DUE_HOURS = 24 * 365;

/**
 * The valid actions of `raw` (a missing list is no action); every problem is
 * reported against `path`, prefixed by `owner` (the state or transition).
 */
export function validateActions(
  ctx: ValidationContext,
  raw: unknown,
  path: string,
  state: string | null,
  event: string | null,
  owner: string,
): ActionDef[] {
  const { add } = ctx;
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
      } else if (!WORKFLOW_ACTOR_ROLES.includes(a.role as Role)) {
        // Its task could never be claimed: claimTask needs WORKFLOWS_WRITE.
        add('ROLE_CANNOT_ACT', `${at}.role`, `${owner}: action ${i}: role ${a.role} lacks the WORKFLOWS_WRITE permission, so it could never claim the task (roles that can: ${WORKFLOW_ACTOR_ROLES.join(', ')})`, state, event);
      } else action.role = a.role as Role;
    }
    if (a.userId !== undefined && a.userId !== null) {
      if (typeof a.userId !== 'string' || !isUuid(a.userId)) fail('"userId" must be a user UUID');
      else if (ctx.knownUserIds && !ctx.knownUserIds.has(a.userId.toLowerCase())) {
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
}
