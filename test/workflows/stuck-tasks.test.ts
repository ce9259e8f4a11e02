/**
 * Issue 21, findings 8 and 12: tasks that cannot get stuck. Workflow administrators reassign
 * them; deactivating a user returns what they held to a queue in the same transaction; overdue
 * tasks escalate through the job runner (graphile-worker), driven by a test clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { TestClock } from '../helpers/clock.js';
import { createOrganization, login, TEST_PASSWORD, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';
import { CLAIM, COMPLETE, fails, labMachine, labOrder, ok, publishedDefinition, START } from './support.js';

const REASSIGN = `mutation($i: ReassignTaskInput!) { reassignTask(input: $i) { task { workflowTaskId status assignedRole assignedUser { userId } claimedBy { userId } } } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUser(id: $id) { user { id } } }`;
const user = (id: string) => toGlobalId('User', id);

async function setUp(app: TestApp, slug: string) {
  const org = await createOrganization(app.admin, slug);
  const tokens = await tokensByRole(app, org);
  await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() });
  const start = async () => (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: (await labOrder(app, org)).labTestId } }, tokens.PHYSICIAN)).startWorkflow;
  return { org, tokens, start };
}

describe('finding 8: tasks of deactivated users are released, and tasks can be reassigned', () => {
  let app: TestApp;
  let org: TestOrganization;
  let tokens: Record<Role, string>;
  let start: () => Promise<any>;
  beforeAll(async () => {
    app = await createTestApp();
    ({ org, tokens, start } = await setUp(app, 'stuck'));
  });
  afterAll(() => app.close());

  /** A second nurse, signed in. */
  async function anotherNurse(name: string) {
    const email = `${name}@stuck.test`;
    const [row] = await app.admin<{ id: string }[]>`
      insert into users (organization_id, email, password_hash, display_name)
      select ${org.id}, ${email}, password_hash, ${name} from users where id = ${org.users.NURSE.id} returning id`;
    await app.admin`insert into user_roles (organization_id, user_id, role_code) values (${org.id}, ${row!.id}, 'NURSE')`;
    return { id: row!.id, token: (await login(app, email, TEST_PASSWORD)).accessToken };
  }

  it('deactivating a user returns their claimed and assigned tasks to the role queue in the same transaction', async () => {
    const leaver = await anotherNurse('leaver');
    const claimed = (await start()).createdTasks[0];
    const assigned = (await start()).createdTasks[0];
    await ok(app, CLAIM, { i: { taskId: claimed.id } }, leaver.token);
    await ok(app, REASSIGN, { i: { taskId: assigned.id, assigneeId: user(leaver.id), reason: 'Her patient' } }, tokens.ORG_ADMIN);

    await ok(app, DEACTIVATE, { id: user(leaver.id) }, tokens.ORG_ADMIN);
    const rows = await app.admin`select id, status, claimed_by, assigned_user_id, assigned_role from workflow_tasks
      where id in (${claimed.workflowTaskId}, ${assigned.workflowTaskId}) order by created_at`;
    expect(rows).toEqual([
      { id: claimed.workflowTaskId, status: 'OPEN', claimed_by: null, assigned_user_id: null, assigned_role: 'NURSE' },
      { id: assigned.workflowTaskId, status: 'OPEN', claimed_by: null, assigned_user_id: null, assigned_role: 'NURSE' },
    ]);
    const audits = await app.admin<{ action: string; requestId: string }[]>`
      select action, request_id as "requestId" from audit_log
      where entity_id in (${leaver.id}, ${claimed.workflowTaskId}, ${assigned.workflowTaskId}) and action in ('user.deactivate', 'workflow_task.release_deactivated')`;
    expect(audits.map((a) => a.action).sort()).toEqual(['user.deactivate', 'workflow_task.release_deactivated', 'workflow_task.release_deactivated']);
    expect(new Set(audits.map((a) => a.requestId)).size).toBe(1); // one request, one transaction
    // Anyone of the role can pick them up again.
    await ok(app, CLAIM, { i: { taskId: claimed.id } }, tokens.NURSE);
  });

  it('reassignTask: workflow administrators only, to a user who can act, with a reason; audited', async () => {
    const task = (await start()).createdTasks[0];
    await ok(app, CLAIM, { i: { taskId: task.id } }, tokens.NURSE);
    const byNurse = await fails(app, REASSIGN, { i: { taskId: task.id, assigneeId: user(org.users.PHYSICIAN.id), reason: 'Swap' } }, tokens.NURSE);
    expect(byNurse.extensions.code).toBe('FORBIDDEN');
    const toFrontDesk = await fails(app, REASSIGN, { i: { taskId: task.id, assigneeId: user(org.users.FRONT_DESK.id), reason: 'Swap' } }, tokens.ORG_ADMIN);
    expect(toFrontDesk.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });
    const blank = await fails(app, REASSIGN, { i: { taskId: task.id, assigneeId: null, reason: ' ' } }, tokens.ORG_ADMIN);
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });

    const moved = (await ok(app, REASSIGN, { i: { taskId: task.id, assigneeId: user(org.users.PHYSICIAN.id), reason: 'Nurse called away' } }, tokens.ORG_ADMIN)).reassignTask.task;
    expect(moved).toMatchObject({ status: 'OPEN', assignedRole: 'NURSE', assignedUser: { userId: org.users.PHYSICIAN.id }, claimedBy: null });
    expect((await fails(app, CLAIM, { i: { taskId: task.id } }, tokens.NURSE)).extensions.code).toBe('FORBIDDEN');
    await ok(app, CLAIM, { i: { taskId: task.id } }, tokens.PHYSICIAN);
    const back = (await ok(app, REASSIGN, { i: { taskId: task.id, assigneeId: null, reason: 'Back to the ward' } }, tokens.ORG_ADMIN)).reassignTask.task;
    expect(back).toMatchObject({ status: 'OPEN', assignedRole: 'NURSE', assignedUser: null, claimedBy: null });
    const [audit] = await app.admin`select changes from audit_log where entity_id = ${task.workflowTaskId} and action = 'workflow_task.reassign' order by occurred_at limit 1`;
    expect(audit!.changes).toMatchObject({
      before: { status: 'CLAIMED', claimedBy: org.users.NURSE.id, assignedUserId: null },
      after: { status: 'OPEN', assignedUserId: org.users.PHYSICIAN.id, reason: 'Nurse called away' },
    });

    await ok(app, CLAIM, { i: { taskId: task.id } }, tokens.NURSE);
    await ok(app, COMPLETE, { i: { taskId: task.id, formData: { specimenId: 'S-1' } } }, tokens.NURSE);
    const done = await fails(app, REASSIGN, { i: { taskId: task.id, assigneeId: null, reason: 'Late' } }, tokens.ORG_ADMIN);
    expect(done.extensions).toMatchObject({ code: 'CONFLICT', status: 'COMPLETED' });
  });
});

describe('finding 12: overdue tasks escalate through the job runner', () => {
  const clock = new TestClock();
  let app: TestApp;
  let tokens: Record<Role, string>;
  let start: () => Promise<any>;
  beforeAll(async () => {
    app = await createTestApp({ JOBS: 'in-process', JOBS_POLL_INTERVAL_MS: '100' }, { clock });
    ({ tokens, start } = await setUp(app, 'escalating'));
    const { version } = (await ok(app, `{ workflowConfig { version } }`, {}, tokens.ORG_ADMIN)).workflowConfig;
    await ok(app, `mutation($i: UpdateWorkflowConfigInput!) { updateWorkflowConfig(input: $i) { config { version } } }`, {
      i: { version, escalationEnabled: true, escalationAfterHours: 1, settings: { escalationRole: 'PHYSICIAN' } },
    }, tokens.ORG_ADMIN);
  });
  afterAll(() => app.close());

  /** Resolves once the runner has finished a sweep that started after this call (its next run is queued anew). */
  async function aSweepRan() {
    const jobId = async () =>
      (await app.admin<{ id: string }[]>`select id::text from graphile_worker.jobs where key = 'workflow_task_escalation'`)[0]?.id ?? null;
    const before = await waitFor(jobId, 'the escalation job to be queued');
    await waitFor(async () => {
      const now = await jobId();
      return now !== null && now !== before;
    }, 'the escalation job to run and queue its next run');
  }

  it('a task past its due time (plus escalationAfterHours) is escalated within one polling interval, once, and audited', async () => {
    const started = await start();
    const task = started.createdTasks[0]; // "Collect specimen", due in 4 hours
    await aSweepRan();
    await aSweepRan(); // a whole sweep after the task existed: not due yet, nothing escalated
    expect((await app.admin`select escalated_at from workflow_tasks where id = ${task.workflowTaskId}`)[0]!.escalated_at).toBeNull();

    clock.advance(5 * 3600_000 + 60_000); // 1 minute past due + 1 hour
    const escalated = await waitFor(
      async () => (await app.admin`select escalated_at, priority from workflow_tasks where id = ${task.workflowTaskId} and escalated_at is not null`)[0],
      'the overdue task to be escalated',
    );
    expect(escalated.priority).toBe('URGENT');
    const followUps = await app.admin`select name, assigned_role, priority, status from workflow_tasks where escalated_from = ${task.workflowTaskId}`;
    expect(followUps).toEqual([{ name: 'Overdue: Collect specimen', assigned_role: 'PHYSICIAN', priority: 'URGENT', status: 'OPEN' }]);
    const audits = await app.admin`select actor_user_id, changes from audit_log where entity_id = ${task.workflowTaskId} and action = 'workflow_task.escalate'`;
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actor_user_id).toBeNull();
    expect(audits[0]!.changes.after).toMatchObject({ priority: 'URGENT', followUpRole: 'PHYSICIAN', escalationAfterHours: 1 });

    // Later sweeps escalate it no more; completing it closes the follow-up.
    await aSweepRan();
    expect(await app.admin`select 1 from workflow_tasks where escalated_from = ${task.workflowTaskId}`).toHaveLength(1);
    await ok(app, CLAIM, { i: { taskId: task.id } }, tokens.NURSE);
    await ok(app, COMPLETE, { i: { taskId: task.id, formData: { specimenId: 'S-9' } } }, tokens.NURSE);
    expect(await app.admin`select status from workflow_tasks where escalated_from = ${task.workflowTaskId}`).toEqual([{ status: 'CANCELLED' }]);
  });
});
