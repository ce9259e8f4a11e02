/**
 * Issue 21, findings 6, 7, 9, 10 and 11: workflow authority decided in one place (transitions,
 * cancellation, what is offered), definitions that name only roles that can act and no reserved
 * events, self-loops and terminal states that leave no stray tasks, guards that read own properties.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { makeViewer } from '../../src/kernel/auth/viewer.js';
import { ENCOUNTER_MACHINE, IMAGING_MACHINE, LAB_ORDER_MACHINE, PRESCRIPTION_MACHINE } from '../../src/seed/setup.js';
import { contextGuardFailure, readPath, validateStateMachine } from '../../src/workflows/definition-validation.js';
import { mayCancel } from '../../src/workflows/workflow-rules.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { CLAIM, COMPLETE, CREATE_DEFINITION, fails, labMachine, labOrder, ok, publishedDefinition, START, TRANSITION } from './support.js';

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;
let keys = 0;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'authority');
  tokens = await tokensByRole(app, org);
});
afterAll(() => app.close());

const CANCEL = `mutation($i: CancelWorkflowInput!) { cancelWorkflow(input: $i) { instance { status } } }`;
const AVAILABLE = `query($id: ID!) { workflowInstance(id: $id) { availableTransitions { event } } }`;

/** Publishes `stateMachine` for LAB_ORDER under a fresh key and starts it on a new lab order. */
async function running(stateMachine: unknown) {
  const definition = await publishedDefinition(app, tokens.ORG_ADMIN, {
    name: `Machine ${++keys}`,
    entityType: 'LAB_ORDER',
    definitionKey: `authority-${keys}`,
    stateMachine,
  }, false);
  const lab = await labOrder(app, org);
  const started = (await ok(app, START, { i: { definitionId: definition.id, entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN)).startWorkflow;
  return { lab, definition, instance: started.instance, createdTasks: started.createdTasks as { id: string; name: string }[] };
}

const openTasks = (instanceId: string) =>
  app.admin<{ name: string; status: string }[]>`
    select name, status from workflow_tasks where instance_id = ${instanceId} and status in ('OPEN', 'CLAIMED') order by created_at`;

describe('finding 6: cancelWorkflow obeys the definition\'s roles, and a cancelled instance cannot be started again', () => {
  it('refuses a nurse what only a physician may end; lets the physician cancel; refuses a restart', async () => {
    const { lab, definition, instance } = await running(labMachine());
    const byNurse = await fails(app, CANCEL, { i: { instanceId: instance.id, reason: 'Not needed' } }, tokens.NURSE);
    expect(byNurse.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'ALLOWED_ROLES', allowedRoles: ['PHYSICIAN'] });
    expect(byNurse.message).toMatch(/may cancel this workflow in state "ORDERED"/);
    expect((await app.admin`select status from workflow_instances where id = ${instance.workflowInstanceId}`)[0]!.status).toBe('ACTIVE');

    expect((await ok(app, CANCEL, { i: { instanceId: instance.id, reason: 'Ordered twice' } }, tokens.PHYSICIAN)).cancelWorkflow.instance.status).toBe('CANCELLED');
    const again = await fails(app, START, { i: { definitionId: definition.id, entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.NURSE);
    expect(again.extensions).toMatchObject({ code: 'CONFLICT', instanceId: instance.id });
    expect(again.message).toMatch(/cancelled workflow cannot be started again/);
  });

  it('lets workflow administrators cancel in any state (the rule lives in mayCancel)', async () => {
    const { instance } = await running(labMachine());
    expect((await ok(app, CANCEL, { i: { instanceId: instance.id, reason: 'Duplicate' } }, tokens.ORG_ADMIN)).cancelWorkflow.instance.status).toBe('CANCELLED');
    const machine = validateStateMachine(labMachine()).machine!;
    expect(mayCancel(machine, 'COLLECTED', makeViewer('n', 'o', ['NURSE']))).toBe(false);
    expect(mayCancel(machine, 'COLLECTED', makeViewer('p', 'o', ['PHYSICIAN']))).toBe(true);
    expect(mayCancel(machine, 'COLLECTED', makeViewer('f', 'o', ['FRONT_DESK']))).toBe(false);
  });
});

describe('finding 7: definitions may not name roles that cannot act', () => {
  it('refuses FRONT_DESK, BILLING and ANALYST in allowedRoles and task actions (ROLE_CANNOT_ACT)', async () => {
    const machine = labMachine();
    machine.transitions[0]!.allowedRoles = ['NURSE', 'FRONT_DESK'];
    (machine.transitions[1]!.actions as unknown[]) = [{ type: 'CREATE_TASK', role: 'BILLING', name: 'Bill it' }];
    machine.transitions[2]!.allowedRoles = ['ANALYST'];
    const refused = await fails(app, CREATE_DEFINITION, { i: { name: 'Bad roles', entityType: 'LAB_ORDER', stateMachine: machine } }, tokens.ORG_ADMIN);
    expect(refused.extensions.code).toBe('BAD_USER_INPUT');
    const problems = (refused.extensions.validationErrors as { code: string; path: string }[]).filter((e) => e.code === 'ROLE_CANNOT_ACT');
    expect(problems.map((e) => e.path)).toEqual(['transitions[0].allowedRoles[1]', 'transitions[1].actions[0].role', 'transitions[2].allowedRoles[0]']);
    expect(refused.message).toMatch(/role FRONT_DESK lacks the WORKFLOWS_WRITE permission/);
  });

  it('the seeded workflows name only roles that can act, and FRONT_DESK is offered nothing it cannot fire', async () => {
    for (const seeded of [LAB_ORDER_MACHINE, ENCOUNTER_MACHINE, IMAGING_MACHINE, PRESCRIPTION_MACHINE]) {
      expect(validateStateMachine(seeded).errors).toEqual([]);
    }
    // A definition stored before the rule (FRONT_DESK may SCHEDULE, as the seeded imaging workflow did).
    const stored = structuredClone(labMachine());
    stored.transitions[0]!.allowedRoles = ['FRONT_DESK', 'NURSE'];
    const { instance, definition } = await running(labMachine());
    await app.admin`update workflow_definitions set state_machine = ${app.admin.json(stored as never)} where id = ${definition.workflowDefinitionId}`;
    expect((await ok(app, AVAILABLE, { id: instance.id }, tokens.FRONT_DESK)).workflowInstance.availableTransitions).toEqual([]);
    expect((await ok(app, AVAILABLE, { id: instance.id }, tokens.NURSE)).workflowInstance.availableTransitions).toEqual([{ event: 'COLLECT' }]);
    expect((await ok(app, AVAILABLE, { id: instance.id }, tokens.ANALYST)).workflowInstance.availableTransitions).toEqual([]);
  });
});

/** REVIEW opens "Review" on entry; COMMENT loops on REVIEW; APPROVE needs every task done. */
function reviewMachine(reenter?: boolean) {
  return {
    states: [
      { code: 'REVIEW', name: 'In review', initial: true, actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Review' }] },
      { code: 'DONE', name: 'Done', terminal: true, actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'After the end' }] },
    ],
    transitions: [
      { from: 'REVIEW', to: 'REVIEW', event: 'COMMENT', allowedRoles: ['NURSE'], ...(reenter === undefined ? {} : { reenter }) },
      {
        from: 'REVIEW', to: 'DONE', event: 'APPROVE', allowedRoles: ['NURSE'], guards: [{ type: 'TASKS_COMPLETED' }],
        actions: [{ type: 'CREATE_TASK', role: 'PHYSICIAN', name: 'File the report' }],
      },
    ],
  };
}

describe('finding 9: self-loops do not duplicate entry tasks unless the definition says so', () => {
  it('a plain self-loop keeps the state\'s open task and opens no second one, so TASKS_COMPLETED can pass', async () => {
    const { instance, createdTasks } = await running(reviewMachine());
    const loop = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'COMMENT', comment: 'Looks fine' } }, tokens.NURSE)).transitionWorkflow;
    expect(loop.createdTasks).toEqual([]);
    expect(loop.cancelledTasks).toEqual([]);
    expect(await openTasks(instance.workflowInstanceId)).toEqual([{ name: 'Review', status: 'OPEN' }]);
    await ok(app, CLAIM, { i: { taskId: createdTasks[0]!.id } }, tokens.NURSE);
    await ok(app, COMPLETE, { i: { taskId: createdTasks[0]!.id } }, tokens.NURSE);
    const approved = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'APPROVE' } }, tokens.NURSE)).transitionWorkflow;
    expect(approved.instance.status).toBe('COMPLETED');
  });

  it('a self-loop marked reenter re-enters: the open task is cancelled and the entry task opened afresh (one open)', async () => {
    const { instance } = await running(reviewMachine(true));
    const loop = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'COMMENT' } }, tokens.NURSE)).transitionWorkflow;
    expect(loop.cancelledTasks.map((t: { name: string }) => t.name)).toEqual(['Review']);
    expect(loop.createdTasks.map((t: { name: string }) => t.name)).toEqual(['Review']);
    expect(await openTasks(instance.workflowInstanceId)).toEqual([{ name: 'Review', status: 'OPEN' }]);
    expect(validateStateMachine({ ...reviewMachine(), transitions: [{ from: 'REVIEW', to: 'DONE', event: 'X', reenter: true }] }).errors.map((e) => e.path)).toEqual(['transitions[0].reenter']);
  });
});

describe('finding 10: guards read own properties only', () => {
  it('a FIELD_SET guard on constructor (or toString, __proto__) fails on an empty context', async () => {
    expect(readPath({}, 'constructor')).toBeUndefined();
    expect(readPath({ a: {} }, 'a.toString')).toBeUndefined();
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'constructor' }, {})).toBe('context variable "constructor" must be set');
    expect(contextGuardFailure({ type: 'FIELD_SET', field: 'constructor' }, { constructor: 'own' })).toBeNull();
    const machine = labMachine({ collectGuards: [{ type: 'FIELD_SET', field: 'constructor' }, { type: 'FIELD_SET', field: 'hasOwnProperty' }] });
    const { instance } = await running(machine);
    const refused = await fails(app, TRANSITION, { i: { instanceId: instance.id, event: 'COLLECT' } }, tokens.NURSE);
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'GUARD' });
    expect(refused.message).toMatch(/refused by 2 guards: FIELD_SET: context variable "constructor" must be set/);
  });
});

describe('finding 11: terminal states leave no open task; reserved events are refused', () => {
  it('entering a terminal state opens none of its or the transition\'s tasks and cancels the open ones', async () => {
    const machine = reviewMachine();
    machine.transitions[1]!.guards = [];
    const { instance } = await running(machine);
    const ended = (await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'APPROVE' } }, tokens.NURSE)).transitionWorkflow;
    expect(ended.instance.status).toBe('COMPLETED');
    expect(ended.createdTasks).toEqual([]);
    expect(ended.cancelledTasks.map((t: { name: string }) => t.name)).toEqual(['Review']);
    expect(await openTasks(instance.workflowInstanceId)).toEqual([]);
  });

  it('refuses START and WORKFLOW_CANCELLED as events (they would forge history entries)', async () => {
    const machine = labMachine();
    machine.transitions[0]!.event = 'START';
    machine.transitions[3]!.event = 'WORKFLOW_CANCELLED';
    const refused = await fails(app, CREATE_DEFINITION, { i: { name: 'Forger', entityType: 'LAB_ORDER', stateMachine: machine } }, tokens.ORG_ADMIN);
    const reserved = (refused.extensions.validationErrors as { code: string; path: string }[]).filter((e) => e.code === 'RESERVED_EVENT');
    expect(reserved.map((e) => e.path)).toEqual(['transitions[0].event', 'transitions[3].event']);
  });
});
