import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { during, expectInSpan } from '../helpers/clock.js';
import { createTestApp, type TestApp, COUNTING_STATEMENTS } from '../helpers/test-app.js';
import { CLAIM, COMPLETE, fails, gid, labMachine, labOrder, ok, publishedDefinition, RELEASE, START, TRANSITION } from './support.js';

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let definition: { id: string; workflowDefinitionId: string };

beforeAll(async () => {
  // Enough connections that the concurrent requests below really run at the same time.
  app = await createTestApp({ ...COUNTING_STATEMENTS, DATABASE_MAX_CONNECTIONS: '24' });
  org = await createOrganization(app.admin, 'lab');
  tokens = await tokensByRole(app, org);
  definition = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() });
});
afterAll(() => app.close());

const MY_TASKS = `query($f: WorkflowTaskFilter) { myTasks(first: 50, filter: $f) { totalCount edges { node { id workflowTaskId name status assignedRole instance { workflowInstanceId currentState } } } } }`;

async function start(labTestId: string, token = tokens.PHYSICIAN) {
  return (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: labTestId, comment: 'Ordered in clinic' } }, token)).startWorkflow;
}

describe('a lab-order workflow end to end', () => {
  it('runs through transitions and tasks by users of different roles; disallowed roles and failing guards are refused', async () => {
    const lab = await labOrder(app, org);
    const { value: started, span } = await during(() => start(lab.labTestId));
    const instance = started.instance;
    expect(instance).toMatchObject({ currentState: 'ORDERED', currentStateName: 'Ordered', status: 'ACTIVE', version: 1, context: { patientId: lab.patientId } });
    expect(started.createdTasks).toEqual([expect.objectContaining({ name: 'Collect specimen', status: 'OPEN', priority: 'HIGH', assignedRole: 'NURSE' })]);
    expectInSpan(started.createdTasks[0].dueAt, span, 4 * 3600_000); // due 4 hours after the start

    // The nurse sees the task in her queue; the physician does not.
    const nurseQueue = (await ok(app, MY_TASKS, {}, tokens.NURSE)).myTasks;
    expect(nurseQueue.edges.map((e: any) => e.node.workflowTaskId)).toContain(started.createdTasks[0].workflowTaskId);
    const physicianQueue = (await ok(app, MY_TASKS, {}, tokens.PHYSICIAN)).myTasks;
    expect(physicianQueue.edges.map((e: any) => e.node.workflowTaskId)).not.toContain(started.createdTasks[0].workflowTaskId);

    // The guard refuses COLLECT until the specimen id is known.
    const guard = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'COLLECT', expectedState: 'ORDERED' } }, tokens.NURSE);
    expect(guard.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'GUARD', field: 'event' });
    expect(guard.message).toBe('Transition ORDERED --COLLECT--> COLLECTED refused by a guard: FIELD_SET: context variable "specimenId" must be set');

    // A physician may not claim a nurse's task; the nurse claims and completes it with the specimen id.
    const task = started.createdTasks[0].id;
    expect((await fails(app, CLAIM, { i: { taskId: task } }, tokens.PHYSICIAN)).extensions.code).toBe('FORBIDDEN');
    expect((await fails(app, COMPLETE, { i: { taskId: task, formData: {} } }, tokens.NURSE)).message).toMatch(/Claim this task/);
    const claimed = (await ok(app, CLAIM, { i: { taskId: task } }, tokens.NURSE)).claimTask.task;
    expect(claimed).toMatchObject({ status: 'CLAIMED', claimedBy: { userId: org.users.NURSE.id } });
    const released = (await ok(app, RELEASE, { i: { taskId: task } }, tokens.NURSE)).releaseTask.task;
    expect(released).toMatchObject({ status: 'OPEN', claimedBy: null });
    await ok(app, CLAIM, { i: { taskId: task } }, tokens.NURSE);
    const completed = (await ok(app, COMPLETE, { i: { taskId: task, formData: { specimenId: 'SP-100', specimen_site: 'left arm' } } }, tokens.NURSE)).completeTask.task;
    expect(completed).toMatchObject({ status: 'COMPLETED', completedBy: { userId: org.users.NURSE.id }, formData: { specimenId: 'SP-100', specimen_site: 'left arm' } });

    // Front desk may read but not move workflows; an analyst lacks WORKFLOWS_WRITE too.
    expect((await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'COLLECT' } }, tokens.FRONT_DESK)).extensions.code).toBe('FORBIDDEN');
    // The physician may not CANCEL-with-a-nurse-role; the nurse may not CANCEL at all.
    const cancelByNurse = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'CANCEL' } }, tokens.NURSE);
    expect(cancelByNurse.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'ALLOWED_ROLES', allowedRoles: ['PHYSICIAN'] });
    expect(cancelByNurse.message).toBe('Transition ORDERED --CANCEL--> CANCELLED is allowed only for roles PHYSICIAN; your roles: NURSE');
    const unknown = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'VERIFY' } }, tokens.PHYSICIAN);
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'UNKNOWN_EVENT', availableEvents: ['COLLECT', 'CANCEL'] });

    // The form data (keys kept exactly) satisfies the guard now.
    const collected = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'COLLECT', expectedState: 'ORDERED', comment: 'Venous sample' } }, tokens.NURSE)).transitionWorkflow;
    expect(collected.instance).toMatchObject({ currentState: 'COLLECTED', context: { patientId: lab.patientId, specimenId: 'SP-100', specimen_site: 'left arm' } });
    expect(collected.transition).toEqual({ fromState: 'ORDERED', toState: 'COLLECTED', event: 'COLLECT', comment: 'Venous sample', actor: { userId: org.users.NURSE.id } });
    expect(collected.createdTasks).toEqual([expect.objectContaining({ name: 'Enter results', assignedRole: 'NURSE', status: 'OPEN' })]);
    expect(collected.cancelledTasks).toEqual([]);

    // RESULT waits for the "Enter results" task (TASKS_COMPLETED guard).
    const early = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'RESULT' } }, tokens.NURSE);
    expect(early.message).toMatch(/TASKS_COMPLETED: 1 task named "Enter results" still open or claimed/);
    const enter = collected.createdTasks[0].id;
    await ok(app, CLAIM, { i: { taskId: enter } }, tokens.NURSE);
    const notMine = await fails(app, COMPLETE, { i: { taskId: enter } }, tokens.ORG_ADMIN);
    expect(notMine.extensions.code).toBe('FORBIDDEN');
    await ok(app, COMPLETE, { i: { taskId: enter, formData: { hemoglobin: 13.5 } } }, tokens.NURSE);
    const resulted = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'RESULT', expectedVersion: 4 } }, tokens.NURSE)).transitionWorkflow;
    expect(resulted.instance).toMatchObject({ currentState: 'RESULTED', version: 5 });
    const verifyTask = resulted.createdTasks[0];
    expect(verifyTask).toMatchObject({ name: 'Verify results', assignedRole: 'PHYSICIAN' });

    // Only a physician verifies; verifying ends the instance and cancels the unclaimed verify task.
    expect((await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'VERIFY' } }, tokens.NURSE)).extensions.code).toBe('FORBIDDEN');
    const physicianQueue2 = (await ok(app, MY_TASKS, {}, tokens.PHYSICIAN)).myTasks;
    expect(physicianQueue2.edges.map((e: any) => e.node.workflowTaskId)).toContain(verifyTask.workflowTaskId);
    const verified = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'VERIFY', expectedState: 'RESULTED' } }, tokens.PHYSICIAN)).transitionWorkflow;
    expect(verified.instance).toMatchObject({ currentState: 'VERIFIED', status: 'COMPLETED' });
    expect(verified.cancelledTasks).toEqual([{ workflowTaskId: verifyTask.workflowTaskId, name: 'Verify results', status: 'CANCELLED' }]);
    const afterEnd = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'CANCEL' } }, tokens.PHYSICIAN);
    expect(afterEnd.extensions.code).toBe('CONFLICT');

    // History as a connection, paged; the instance read from the lab test and the encounter... (only lab test governed here).
    const read = await ok(app, `query($id: ID!) { labTest(id: $id) { workflow { workflowInstanceId status completedAt
        history(first: 2) { totalCount edges { node { fromState toState event actor { userId } } } pageInfo { hasNextPage endCursor } }
        tasks(first: 10) { totalCount edges { node { name status } } } } } }`, { id: lab.labTestId }, tokens.ANALYST);
    const workflow = read.labTest.workflow;
    expect(workflow).toMatchObject({ workflowInstanceId: instance.workflowInstanceId, status: 'COMPLETED' });
    expect(workflow.history.totalCount).toBe(4);
    expect(workflow.history.edges.map((e: any) => e.node)).toEqual([
      { fromState: null, toState: 'ORDERED', event: 'START', actor: { userId: org.users.PHYSICIAN.id } },
      { fromState: 'ORDERED', toState: 'COLLECTED', event: 'COLLECT', actor: { userId: org.users.NURSE.id } },
    ]);
    const rest = await ok(app, `query($id: ID!, $after: String) { workflowInstance(id: $id) { history(first: 10, after: $after) { edges { node { event } } pageInfo { hasNextPage } } } }`, { id: instance.id, after: workflow.history.pageInfo.endCursor }, tokens.ANALYST);
    expect(rest.workflowInstance.history.edges.map((e: any) => e.node.event)).toEqual(['RESULT', 'VERIFY']);
    expect(rest.workflowInstance.history.pageInfo.hasNextPage).toBe(false);
    expect(workflow.tasks.edges.map((e: any) => [e.node.name, e.node.status])).toEqual([
      ['Collect specimen', 'COMPLETED'],
      ['Enter results', 'COMPLETED'],
      ['Verify results', 'CANCELLED'],
    ]);

    // One audit row per mutation, in order.
    const audits = await app.admin`select action from audit_log where organization_id = ${org.id}
      and (entity_id = ${instance.workflowInstanceId} or entity_id in (select id from workflow_tasks where instance_id = ${instance.workflowInstanceId}))
      order by occurred_at`;
    expect(audits.map((a) => a.action)).toEqual([
      'workflow.start', 'workflow_task.claim', 'workflow_task.release', 'workflow_task.claim', 'workflow_task.complete',
      'workflow.transition', 'workflow_task.claim', 'workflow_task.complete', 'workflow.transition', 'workflow.transition',
    ]);
  });

  it('refuses a second active instance for one record and cancels a workflow with its open tasks', async () => {
    const lab = await labOrder(app, org);
    const started = await start(lab.labTestId);
    const twice = await fails(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN);
    expect(twice.extensions).toMatchObject({ code: 'CONFLICT', instanceId: started.instance.id });
    const wrongType = await fails(app, START, { i: { definitionId: definition.id, entityType: 'ENCOUNTER', entityId: lab.encounterId } }, tokens.PHYSICIAN);
    expect(wrongType.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entityType' });
    const cancelled = await ok(app, `mutation($i: CancelWorkflowInput!) { cancelWorkflow(input: $i) { instance { status cancelledAt tasks(first: 5) { edges { node { status } } } } } }`, { i: { instanceId: started.instance.id, reason: 'Ordered in error' } }, tokens.PHYSICIAN);
    expect(cancelled.cancelWorkflow.instance).toMatchObject({ status: 'CANCELLED', tasks: { edges: [{ node: { status: 'CANCELLED' } }] } });
    // Issue 21 (finding 6) changed this: a cancellation is final, so the record cannot start a new
    // instance (it used to, which let anyone undo a cancellation); its workflow field shows the cancelled one.
    const restart = await fails(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN);
    expect(restart.extensions).toMatchObject({ code: 'CONFLICT', instanceId: started.instance.id });
    const read = await ok(app, `query($id: ID!) { labTest(id: $id) { workflow { workflowInstanceId status } } }`, { id: lab.labTestId }, tokens.NURSE);
    expect(read.labTest.workflow).toEqual({ workflowInstanceId: started.instance.workflowInstanceId, status: 'CANCELLED' });
  });

  it('a failure injected at the end of a transition leaves no history row, no tasks and the state unchanged', async () => {
    const lab = await labOrder(app, org);
    const started = await start(lab.labTestId);
    const instanceId = started.instance.workflowInstanceId;
    await app.admin`alter table audit_log add constraint reject_workflow_transition check (action <> 'workflow.transition') not valid`;
    try {
      const res = await app.gql(TRANSITION, { i: { instanceId, event: 'COLLECT', variables: { specimenId: 'SP-9' } } }, tokens.NURSE);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await app.admin`alter table audit_log drop constraint reject_workflow_transition`;
    }
    const [row] = await app.admin`select current_state, version, context from workflow_instances where id = ${instanceId}`;
    expect(row).toMatchObject({ current_state: 'ORDERED', version: 1 });
    expect(row!.context.specimenId).toBeUndefined();
    expect(await app.admin`select event from workflow_transitions where instance_id = ${instanceId}`).toEqual([{ event: 'START' }]);
    expect(await app.admin`select name, status from workflow_tasks where instance_id = ${instanceId}`).toEqual([{ name: 'Collect specimen', status: 'OPEN' }]);
    // Transition variables satisfy the guard when the transition does apply.
    const ok1 = (await ok(app, TRANSITION, { i: { instanceId, event: 'COLLECT', variables: { specimenId: 'SP-9' } } }, tokens.NURSE)).transitionWorkflow;
    expect(ok1.instance.context.specimenId).toBe('SP-9');
    expect(ok1.cancelledTasks).toEqual([{ workflowTaskId: started.createdTasks[0].workflowTaskId, name: 'Collect specimen', status: 'CANCELLED' }]);
  });
});

describe('concurrency', () => {
  it('20 simultaneous transitions of one instance from the same state: exactly one applies', async () => {
    const lab = await labOrder(app, org);
    const started = await start(lab.labTestId);
    const instanceId = started.instance.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.gql(TRANSITION, { i: { instanceId, event: 'COLLECT', expectedState: 'ORDERED', variables: { specimenId: `SP-${i}` } } }, i % 2 ? tokens.NURSE : tokens.PHYSICIAN),
      ),
    );
    const applied = results.filter((r) => r.data?.transitionWorkflow);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions.code === 'CONFLICT');
    expect(applied).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect(conflicts[0]!.errors![0]!.extensions).toMatchObject({ currentState: 'COLLECTED' });
    const id = started.instance.workflowInstanceId;
    expect(await app.admin`select event from workflow_transitions where instance_id = ${id} order by occurred_at`).toEqual([{ event: 'START' }, { event: 'COLLECT' }]);
    const [row] = await app.admin`select current_state, version from workflow_instances where id = ${id}`;
    expect(row).toEqual({ current_state: 'COLLECTED', version: 2 });
    expect(await app.admin`select 1 from workflow_tasks where instance_id = ${id} and name = 'Enter results'`).toHaveLength(1);
    expect(await app.admin`select 1 from audit_log where entity_id = ${id} and action = 'workflow.transition'`).toHaveLength(1);
  });

  it('20 simultaneous claims of one task: exactly one wins, the rest get CONFLICT', async () => {
    // Twenty nurses compete for one task.
    const nurses = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const email = `nurse${i}@lab.test`;
        const [user] = await app.admin<{ id: string }[]>`
          insert into users (organization_id, email, password_hash, display_name)
          select ${org.id}, ${email}, password_hash, ${`Nurse ${i}`} from users where id = ${org.users.NURSE.id}
          returning id`;
        await app.admin`insert into user_roles (organization_id, user_id, role_code) values (${org.id}, ${user!.id}, 'NURSE')`;
        const res = await app.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password: 'correct-horse-battery-staple' } });
        return { id: user!.id, token: res.data!.login.accessToken as string };
      }),
    );
    const lab = await labOrder(app, org);
    const started = await start(lab.labTestId);
    const taskId = started.createdTasks[0].id;
    const results = await Promise.all(nurses.map((n) => app.gql(CLAIM, { i: { taskId } }, n.token)));
    const winners = results.filter((r) => r.data?.claimTask);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions.code === 'CONFLICT')).toHaveLength(19);
    const winner = winners[0]!.data!.claimTask.task.claimedBy.userId;
    const [row] = await app.admin`select status, claimed_by, version from workflow_tasks where id = ${started.createdTasks[0].workflowTaskId}`;
    expect(row).toEqual({ status: 'CLAIMED', claimed_by: winner, version: 2 });
    expect(await app.admin`select 1 from audit_log where entity_id = ${started.createdTasks[0].workflowTaskId} and action = 'workflow_task.claim'`).toHaveLength(1);
  });
});

describe('reads', () => {
  it('lists instances and tasks with filters, and batches Encounter.workflow / LabTest.workflow in constant statements', async () => {
    const labs = [];
    const instanceIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const lab = await labOrder(app, org, `Panel ${i}`);
      instanceIds.push((await start(lab.labTestId)).instance.id);
      labs.push(lab);
    }
    const Q = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on LabTest { workflow { currentState definition { versionNumber } startedBy { userId }
      history(first: 5) { totalCount edges { node { event } } } tasks(first: 5) { edges { node { name } } } } } } }`;
    const statements = app.api.deps.db.statements;
    const before1 = statements.count;
    await ok(app, Q, { ids: [gid('LabTest', labs[0]!.labTestId)] }, tokens.PHYSICIAN);
    const one = statements.count - before1;
    const before3 = statements.count;
    const res = await ok(app, Q, { ids: labs.map((l) => gid('LabTest', l.labTestId)) }, tokens.PHYSICIAN);
    expect(statements.count - before3).toBe(one);
    expect(res.nodes.map((n: any) => n.workflow.currentState)).toEqual(['ORDERED', 'ORDERED', 'ORDERED']);
    expect(res.nodes[0].workflow.history).toEqual({ totalCount: 1, edges: [{ node: { event: 'START' } }] });

    // Instance context names the patient (and holds clinical form data): reading it is logged as PHI access.
    await ok(app, `query($id: ID!) { workflowInstance(id: $id) { context } }`, { id: instanceIds[2] }, tokens.ANALYST);
    const logged = await app.admin`select 1 from phi_access_log where user_id = ${org.users.ANALYST.id} and ${labs[2]!.patientId}::uuid = any(patient_ids)`;
    expect(logged).toHaveLength(1);

    const none = await ok(app, `query($id: ID!) { encounter(id: $id) { workflow { id } } }`, { id: labs[0]!.encounterId }, tokens.PHYSICIAN);
    expect(none.encounter.workflow).toBeNull();

    const list = await ok(app, `query($f: WorkflowInstanceFilter) { workflowInstances(first: 2, filter: $f) { totalCount edges { node { entityId } } pageInfo { hasNextPage } } }`, { f: { definitionId: definition.id, state: 'ORDERED', active: true } }, tokens.ANALYST);
    expect(list.workflowInstances.edges).toHaveLength(2);
    expect(list.workflowInstances.pageInfo.hasNextPage).toBe(true);
    const byEntity = await ok(app, `query($f: WorkflowInstanceFilter) { workflowInstances(filter: $f) { totalCount } }`, { f: { entityId: labs[1]!.labTestId } }, tokens.ANALYST);
    expect(byEntity.workflowInstances.totalCount).toBe(1);

    const tasks = await ok(app, `{ workflowTasks(first: 1000, filter: { status: [OPEN], assignedRole: NURSE }) { totalCount } }`, {}, tokens.ORG_ADMIN);
    expect(tasks.workflowTasks.totalCount).toBeGreaterThanOrEqual(3);
    expect((await fails(app, `{ workflowTasks(first: 5) { totalCount } }`, {}, tokens.NURSE)).extensions.code).toBe('FORBIDDEN');
    expect((await fails(app, `{ myTasks(first: 1001) { totalCount } }`, {}, tokens.NURSE)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const mine = await ok(app, MY_TASKS, { f: { status: ['OPEN'] } }, tokens.NURSE);
    expect(mine.myTasks.edges.every((e: any) => e.node.assignedRole === 'NURSE' && e.node.status === 'OPEN')).toBe(true);
  });
});
