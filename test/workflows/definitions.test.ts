import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  CREATE_DEFINITION,
  DEFINITION,
  fails,
  labMachine,
  labOrder,
  ok,
  PUBLISH,
  publishedDefinition,
  START,
  TRANSITION,
  uuidOf,
} from './support.js';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'north');
  other = await createOrganization(app.admin, 'south');
  tokens = await tokensByRole(app, org);
  otherTokens = await tokensByRole(app, other);
});
afterAll(() => app.close());

const state = (code: string, initial = false, terminal = false) => ({ code, name: code, initial, terminal });
const move = (from: string, to: string, event: string, extra: Record<string, unknown> = {}) => ({ from, to, event, allowedRoles: ['NURSE'], guards: [], actions: [], ...extra });

async function refused(stateMachine: unknown) {
  const error = await fails(app, CREATE_DEFINITION, { i: { name: 'Broken', entityType: 'LAB_ORDER', stateMachine } }, tokens.ORG_ADMIN);
  expect(error.extensions.code).toBe('BAD_USER_INPUT');
  expect(error.extensions.field).toBe('stateMachine');
  const list = error.extensions.validationErrors as { code: string; message: string; path: string; state: string | null; event: string | null }[];
  // The message lists every problem the extensions carry.
  for (const e of list) expect(error.message).toContain(e.message);
  return list;
}

describe('definition validation', () => {
  it('refuses each invalid shape with a precise message naming the state or transition', async () => {
    const noInitial = await refused({ states: [state('A'), state('B', false, true)], transitions: [move('A', 'B', 'GO')] });
    expect(noInitial).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'NO_INITIAL_STATE', message: expect.stringMatching(/No initial state/) })]),
    );

    const twoInitial = await refused({ states: [state('A', true), state('B', true), state('C', false, true)], transitions: [move('A', 'C', 'GO'), move('B', 'C', 'GO')] });
    expect(twoInitial).toEqual([
      expect.objectContaining({ code: 'MULTIPLE_INITIAL_STATES', message: 'Several initial states (A, B): exactly one state may be initial' }),
    ]);

    const missingState = await refused({ states: [state('A', true), state('B', false, true)], transitions: [move('A', 'B', 'GO'), move('A', 'Z', 'JUMP')] });
    expect(missingState).toEqual([
      {
        code: 'UNKNOWN_STATE',
        path: 'transitions[1].to',
        state: 'Z',
        event: 'JUMP',
        message: 'transitions[1] (A --JUMP--> Z): target state "Z" does not exist',
      },
    ]);

    const unreachable = await refused({
      states: [state('A', true), state('ISLAND'), state('B', false, true)],
      transitions: [move('A', 'B', 'GO'), move('ISLAND', 'B', 'GO')],
    });
    expect(unreachable).toEqual([
      expect.objectContaining({ code: 'UNREACHABLE_STATE', state: 'ISLAND', message: 'State "ISLAND" is not reachable from the initial state "A"' }),
    ]);

    const deadEnd = await refused({
      states: [state('A', true), state('LOOP'), state('B', false, true)],
      transitions: [move('A', 'B', 'GO'), move('A', 'LOOP', 'SPIN'), move('LOOP', 'LOOP', 'AGAIN')],
    });
    expect(deadEnd).toEqual([
      expect.objectContaining({ code: 'DEAD_END_STATE', state: 'LOOP', message: 'State "LOOP" cannot reach any terminal state: instances entering it could never complete' }),
    ]);

    const duplicate = await refused({
      states: [state('A', true), state('B', false, true), state('C', false, true)],
      transitions: [move('A', 'B', 'GO'), move('A', 'C', 'GO')],
    });
    expect(duplicate).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_TRANSITION',
        path: 'transitions[1]',
        state: 'A',
        event: 'GO',
        message: 'transitions[1] (A --GO--> C): event "GO" already leaves state "A" in transitions[0]; (from, event) must be unique',
      }),
    ]);

    const badRole = await refused({ states: [state('A', true), state('B', false, true)], transitions: [move('A', 'B', 'GO', { allowedRoles: ['SURGEON'] })] });
    expect(badRole).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_ROLE', path: 'transitions[0].allowedRoles[0]', message: expect.stringMatching(/^transitions\[0\] \(A --GO--> B\): unknown role "SURGEON"/) }),
    ]);

    const badGuardAndAction = await refused({
      states: [state('A', true), state('B', false, true)],
      transitions: [move('A', 'B', 'GO', { guards: [{ type: 'FIELD_SET' }], actions: [{ type: 'CREATE_TASK', name: 'Do it' }] })],
    });
    expect(badGuardAndAction.map((e) => e.code)).toEqual(['INVALID_GUARD', 'INVALID_ACTION']);
    expect(badGuardAndAction[1]!.message).toMatch(/needs an assignee/);

    const badAssignee = await refused({
      states: [state('A', true), state('B', false, true)],
      transitions: [move('A', 'B', 'GO', { actions: [{ type: 'CREATE_TASK', name: 'Do it', userId: other.users.NURSE.id }] })],
    });
    expect(badAssignee).toEqual([expect.objectContaining({ code: 'UNKNOWN_USER', path: 'transitions[0].actions[0].userId' })]);

    const notAnObject = await refused({ states: [], transitions: 'none' });
    expect(notAnObject.map((e) => e.path)).toEqual(['states', 'transitions']);
  });

  it('returns every problem of a definition at once', async () => {
    const all = await refused({
      states: [state('A', true), state('A'), state('X'), state('B', false, true)],
      transitions: [move('A', 'B', 'GO', { allowedRoles: ['WIZARD'] }), move('A', 'Q', 'GO'), move('B', 'A', 'BACK')],
    });
    expect(all.map((e) => e.code)).toEqual(['DUPLICATE_STATE', 'UNKNOWN_ROLE', 'UNKNOWN_STATE', 'DUPLICATE_TRANSITION', 'TERMINAL_STATE_HAS_TRANSITIONS', 'UNREACHABLE_STATE', 'DEAD_END_STATE']);
    const dry = await ok(app, `query($m: JSONObject!) { validateWorkflowStateMachine(stateMachine: $m) { code } }`, { m: { states: [state('A', true), state('B', false, true)], transitions: [move('A', 'B', 'GO')] } }, tokens.ORG_ADMIN);
    expect(dry.validateWorkflowStateMachine).toEqual([]);
  });

  it('publishes a valid definition, keeps the seeder shape and writes audit rows', async () => {
    const created = (await ok(app, CREATE_DEFINITION, { i: { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() } }, tokens.ORG_ADMIN)).createWorkflowDefinition.definition;
    expect(created).toMatchObject({ definitionKey: 'laboratory-order', versionNumber: 1, status: 'DRAFT', isDefault: false, version: 1 });
    expect(created.stateMachineJson.transitions[0]).toEqual({
      from: 'ORDERED', to: 'COLLECTED', event: 'COLLECT', allowedRoles: ['NURSE', 'PHYSICIAN'],
      guards: [{ type: 'FIELD_SET', field: 'specimenId' }], actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Enter results' }],
    });
    expect(created.stateMachine.transitions[1].guards).toEqual([{ type: 'TASKS_COMPLETED', field: null, valueJson: null, valuesJson: null, taskName: 'Enter results' }]);
    const published = (await ok(app, PUBLISH, { i: { id: created.id, version: 1 } }, tokens.ORG_ADMIN)).publishWorkflowDefinition.definition;
    // The first published version of an entity type becomes its default.
    expect(published).toMatchObject({ status: 'PUBLISHED', isDefault: true, version: 2 });
    const again = await fails(app, PUBLISH, { i: { id: created.id, version: 2 } }, tokens.ORG_ADMIN);
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const immutable = await fails(app, `mutation($i: UpdateWorkflowDefinitionInput!) { updateWorkflowDefinition(input: $i) { definition { id } } }`, { i: { id: created.id, version: 2, name: 'Renamed' } }, tokens.ORG_ADMIN);
    expect(immutable.message).toMatch(/published versions are immutable/);
    const audits = await app.admin`select action from audit_log where entity_id = ${created.workflowDefinitionId} order by occurred_at`;
    expect(audits.map((a) => a.action)).toEqual(['workflow_definition.create', 'workflow_definition.publish']);
    const stored = await app.admin`select state_machine from workflow_definitions where id = ${created.workflowDefinitionId}`;
    expect(stored[0]!.state_machine.states[0]).toMatchObject({ code: 'ORDERED', name: 'Ordered', initial: true, terminal: false });
  });

  it('requires WORKFLOWS_ADMIN to define workflows and WORKFLOWS_READ to read them', async () => {
    const nurse = await fails(app, CREATE_DEFINITION, { i: { name: 'X', entityType: 'ENCOUNTER', stateMachine: labMachine() } }, tokens.NURSE);
    expect(nurse.extensions.code).toBe('FORBIDDEN');
    const list = await ok(app, `{ workflowDefinitions(first: 5, filter: { entityType: LAB_ORDER }) { totalCount edges { node { name } } } }`, {}, tokens.BILLING);
    expect(list.workflowDefinitions.totalCount).toBeGreaterThanOrEqual(1);
  });
});

describe('versions', () => {
  it('a running instance keeps its definition version after a new version is published', async () => {
    const machine = { states: [state('NEW', true), state('DONE', false, true)], transitions: [move('NEW', 'DONE', 'FINISH')] };
    const v1 = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Visit', entityType: 'ENCOUNTER', stateMachine: machine, definitionKey: 'visit' });
    expect(v1).toMatchObject({ versionNumber: 1, isDefault: true });
    const { encounterId } = await labOrder(app, org);
    const started = (await ok(app, START, { i: { entityType: 'ENCOUNTER', entityId: encounterId } }, tokens.NURSE)).startWorkflow.instance;
    expect(started.definition).toEqual({ workflowDefinitionId: v1.workflowDefinitionId, versionNumber: 1 });

    // Version 2 renames the event and adds a state; publishing it archives version 1 and takes over the default.
    const v2machine = {
      states: [state('NEW', true), state('CHECKED'), state('DONE', false, true)],
      transitions: [move('NEW', 'CHECKED', 'CHECK'), move('CHECKED', 'DONE', 'CLOSE')],
    };
    const draft = (await ok(app, `mutation($i: CreateWorkflowDefinitionVersionInput!) { createWorkflowDefinitionVersion(input: $i) { definition { ${DEFINITION} } } }`, { i: { fromId: v1.id, stateMachine: v2machine } }, tokens.ORG_ADMIN)).createWorkflowDefinitionVersion.definition;
    expect(draft).toMatchObject({ definitionKey: 'visit', versionNumber: 2, status: 'DRAFT' });
    const v2 = (await ok(app, PUBLISH, { i: { id: draft.id, version: draft.version } }, tokens.ORG_ADMIN)).publishWorkflowDefinition.definition;
    expect(v2).toMatchObject({ status: 'PUBLISHED', isDefault: true });
    const v1now = (await ok(app, `query($id: ID!) { workflowDefinition(id: $id) { status isDefault } }`, { id: v1.id }, tokens.NURSE)).workflowDefinition;
    expect(v1now).toEqual({ status: 'ARCHIVED', isDefault: false });

    // The running instance is still on version 1: its old event works and the new one is unknown to it.
    const unknown = await fails(app, TRANSITION, { i: { instanceId: started.id, event: 'CHECK' } }, tokens.NURSE);
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'UNKNOWN_EVENT', availableEvents: ['FINISH'] });
    const done = (await ok(app, TRANSITION, { i: { instanceId: started.id, event: 'FINISH' } }, tokens.NURSE)).transitionWorkflow.instance;
    expect(done).toMatchObject({ status: 'COMPLETED', currentState: 'DONE', definition: { versionNumber: 1 } });
    const [row] = await app.admin`select definition_id from workflow_instances where id = ${started.workflowInstanceId}`;
    expect(row!.definition_id).toBe(v1.workflowDefinitionId);
    const viaEncounter = await ok(app, `query($id: ID!) { encounter(id: $id) { workflow { workflowInstanceId status currentStateName definition { versionNumber } } } }`, { id: encounterId }, tokens.PHYSICIAN);
    expect(viaEncounter.encounter.workflow).toEqual({ workflowInstanceId: started.workflowInstanceId, status: 'COMPLETED', currentStateName: 'DONE', definition: { versionNumber: 1 } });

    // New instances start on the default, now version 2; the archived version starts nothing.
    const second = await labOrder(app, org);
    const next = (await ok(app, START, { i: { entityType: 'ENCOUNTER', entityId: second.encounterId } }, tokens.NURSE)).startWorkflow.instance;
    expect(next.definition.versionNumber).toBe(2);
    const archived = await fails(app, START, { i: { definitionId: v1.id, entityType: 'ENCOUNTER', entityId: (await labOrder(app, org)).encounterId } }, tokens.NURSE);
    expect(archived.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'definitionId' });
  });

  it('keeps one default per entity type: setDefault moves it, deactivate clears it', async () => {
    const machine = { states: [state('A', true), state('B', false, true)], transitions: [move('A', 'B', 'GO')] };
    const first = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Rx one', entityType: 'PRESCRIPTION', stateMachine: machine });
    const second = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Rx two', entityType: 'PRESCRIPTION', stateMachine: machine });
    expect([first.isDefault, second.isDefault]).toEqual([true, false]);
    const set = await ok(app, `mutation($i: WorkflowDefinitionVersionInput!) { setDefaultWorkflowDefinition(input: $i) { definition { isDefault version } } }`, { i: { id: second.id, version: second.version } }, tokens.ORG_ADMIN);
    expect(set.setDefaultWorkflowDefinition.definition.isDefault).toBe(true);
    const defaults = await app.admin`select id from workflow_definitions where organization_id = ${org.id} and entity_type = 'PRESCRIPTION' and is_default`;
    expect(defaults.map((d) => d.id)).toEqual([second.workflowDefinitionId]);
    const stale = await fails(app, `mutation($i: WorkflowDefinitionVersionInput!) { deactivateWorkflowDefinition(input: $i) { definition { id } } }`, { i: { id: second.id, version: second.version } }, tokens.ORG_ADMIN);
    expect(stale.extensions.code).toBe('CONFLICT');
    const off = await ok(app, `mutation($i: WorkflowDefinitionVersionInput!) { deactivateWorkflowDefinition(input: $i) { definition { isActive isDefault } } }`, { i: { id: second.id, version: set.setDefaultWorkflowDefinition.definition.version } }, tokens.ORG_ADMIN);
    expect(off.deactivateWorkflowDefinition.definition).toEqual({ isActive: false, isDefault: false });
  });
});

describe('tenant isolation', () => {
  it('another organization\'s definitions, instances and records are NOT_FOUND', async () => {
    const mine = await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Isolated', entityType: 'LAB_ORDER', stateMachine: labMachine() }, false);
    const theirLab = await labOrder(app, other);
    expect((await ok(app, `query($id: ID!) { workflowDefinition(id: $id) { id } }`, { id: mine.id }, otherTokens.ORG_ADMIN)).workflowDefinition).toBeNull();
    const startTheirs = await fails(app, START, { i: { definitionId: mine.id, entityType: 'LAB_ORDER', entityId: theirLab.labTestId } }, tokens.NURSE);
    expect(startTheirs.extensions.code).toBe('NOT_FOUND');
    const startOnTheirs = await fails(app, START, { i: { definitionId: mine.id, entityType: 'LAB_ORDER', entityId: theirLab.labTestId } }, otherTokens.NURSE);
    expect(startOnTheirs.extensions.code).toBe('NOT_FOUND');
    const publishTheirs = await fails(app, PUBLISH, { i: { id: mine.id, version: 1 } }, otherTokens.ORG_ADMIN);
    expect(publishTheirs.extensions.code).toBe('NOT_FOUND');
    const ours = await labOrder(app, org);
    const instance = (await ok(app, START, { i: { definitionId: mine.id, entityType: 'LAB_ORDER', entityId: ours.labTestId } }, tokens.NURSE)).startWorkflow;
    const moveTheirs = await fails(app, TRANSITION, { i: { instanceId: instance.instance.id, event: 'CANCEL' } }, otherTokens.PHYSICIAN);
    expect(moveTheirs.extensions.code).toBe('NOT_FOUND');
    const claimTheirs = await fails(app, `mutation($i: WorkflowTaskInput!) { claimTask(input: $i) { task { id } } }`, { i: { taskId: instance.createdTasks[0].id } }, otherTokens.NURSE);
    expect(claimTheirs.extensions.code).toBe('NOT_FOUND');
    const node = await ok(app, `query($id: ID!) { node(id: $id) { id } }`, { id: instance.instance.id }, otherTokens.NURSE);
    expect(node.node).toBeNull();
    expect(uuidOf(instance.instance.id)).toBe(instance.instance.workflowInstanceId);
    const missing = await fails(app, START, { i: { definitionId: mine.id, entityType: 'LAB_ORDER', entityId: '00000000-0000-4000-8000-000000000000' } }, tokens.NURSE);
    expect(missing.extensions.code).toBe('NOT_FOUND');
  });
});
