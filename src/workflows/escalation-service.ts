/**
 * Escalation of overdue tasks, run by the job runner (src/jobs.ts) in every organization whose
 * workflow settings enable it: a task still OPEN or CLAIMED `escalationAfterHours` after its due
 * time is marked escalated and raised to URGENT, and a follow-up task "Overdue: <name>" opens for
 * the supervisor role (`settings.escalationRole`, ORG_ADMIN by default). Each organization in a
 * transaction of its own, with its audit rows (actor: none, the system).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import type { Database } from '../kernel/db/pool.js';
import { enterAuthScope } from '../kernel/db/tenant-scope.js';
import { beginWithin } from '../kernel/db/begin-within.js';
import { TenantSession, type SessionLimits, type UnitOfWork } from '../kernel/db/tenant-session.js';
import { activeOrganizationIds } from '../identity/organization-repository.js';
import { configOf } from './config-repository.js';
import * as escalation from './escalation-repository.js';
import { WORKFLOW_ACTOR_ROLES } from './state-machine.js';

export interface EscalationDeps {
  db: Database;
  limits: SessionLimits;
  clock: Clock;
  logger: Logger;
}

/** Tasks escalated per organization per run; the rest wait for the next run. */
const BATCH = 200;

/** The role follow-ups go to: `settings.escalationRole` when it names a role that can work on workflows. */
export function escalationRole(settings: Record<string, unknown>): string {
  const role = settings.escalationRole;
  return typeof role === 'string' && (WORKFLOW_ACTOR_ROLES as readonly string[]).includes(role) ? role : 'ORG_ADMIN';
}

/** One run over every organization; returns how many tasks were escalated. */
export async function escalateOverdueTasks(deps: EscalationDeps): Promise<number> {
  const now = deps.clock.now();
  const runId = `job:escalation:${randomUUID()}`;
  // The organizations are listed in the sign-in scope (health_auth may list them); each is then
  // visited in its own tenant scope, bound by row-level security like any request.
  const organizations = await beginWithin(deps.db, deps.limits.acquireTimeoutMs, async (tx, probe) => {
    await enterAuthScope(tx, runId, deps.limits.queryTimeoutMs, probe);
    return activeOrganizationIds(tx);
  }, 'read');
  let escalated = 0;
  for (const organizationId of organizations) {
    const session = new TenantSession(deps.db, { organizationId, userId: null, requestId: runId }, deps.limits);
    try {
      escalated += await session.write((work) => escalateInOrganization(work, now));
    } catch (error) {
      deps.logger.error({ err: error, organizationId }, 'escalation of overdue tasks failed for an organization; the next run retries');
    }
  }
  if (escalated > 0) deps.logger.info({ escalated }, 'overdue workflow tasks escalated');
  return escalated;
}

async function escalateInOrganization({ tx, scope, audit }: UnitOfWork, now: Date): Promise<number> {
  const org = scope.organizationId;
  const config = await configOf(tx, org);
  if (!config.escalationEnabled || config.escalationAfterHours === null) return 0;
  const overdue = await escalation.lockOverdueTasks(tx, org, now, config.escalationAfterHours, BATCH);
  if (overdue.length === 0) return 0;
  const ids = overdue.map((t) => t.id);
  const role = escalationRole(config.settings);
  const marked = await escalation.markEscalated(tx, org, ids, now);
  const followUps = await escalation.insertEscalationTasks(tx, org, ids, role);
  const followUpOf = new Map(followUps.map((f) => [f.escalatedFrom, f]));
  const before = new Map(overdue.map((t) => [t.id, t]));
  for (const task of marked) {
    const was = before.get(task.id)!;
    audit({
      action: 'workflow_task.escalate',
      entityType: 'workflow_task',
      entityId: task.id,
      before: { priority: was.priority, escalatedAt: null },
      after: {
        priority: task.priority,
        escalatedAt: task.escalatedAt,
        dueAt: task.dueAt,
        escalationAfterHours: config.escalationAfterHours,
        followUpTaskId: followUpOf.get(task.id)?.id ?? null,
        followUpRole: role,
      },
    });
  }
  return marked.length;
}
