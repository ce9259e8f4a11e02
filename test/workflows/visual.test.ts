import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { during, expectInSpan } from '../helpers/clock.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { CREATE_DEFINITION, DEFINITION, diagramOf, fails, labMachine, labOrder, ok, PUBLISH, START } from './support.js';

let app: TestApp;
let org: TestOrganization;
let other: TestOrganization;
let tokens: Record<Role, string>;
let otherTokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'design');
  other = await createOrganization(app.admin, 'elsewhere');
  tokens = await tokensByRole(app, org);
  otherTokens = await tokensByRole(app, other);
});
afterAll(() => app.close());

const VISUAL = `id visualWorkflowId name description nodes edges layout version definition { workflowDefinitionId versionNumber status }
  validationErrors { code message path state event } createdBy { userId }`;
const SAVE = `mutation($i: SaveVisualWorkflowInput!) { saveVisualWorkflow(input: $i) { visualWorkflow { ${VISUAL} } } }`;
const UPDATE = `mutation($i: UpdateVisualWorkflowInput!) { updateVisualWorkflow(input: $i) { visualWorkflow { ${VISUAL} } } }`;
const LOAD = `query($id: ID!) { visualWorkflow(id: $id) { ${VISUAL} } }`;
const COMPILE = `mutation($i: CompileVisualWorkflowInput!) { compileVisualWorkflow(input: $i) { visualWorkflow { ${VISUAL} } definition { ${DEFINITION} } } }`;

describe('visual workflows', () => {
  it('round-trips a diagram (save, load, update) and compiles it into a definition that runs', async () => {
    const { nodes, edges } = diagramOf(labMachine());
    // Keys with underscores and nested layout survive exactly as saved.
    const layout = { direction: 'LR', zoom: 1.25, grid: 20, snap_to_grid: true, viewport: { x_offset: 10 } };
    const saved = (await ok(app, SAVE, { i: { name: 'Lab order (designer)', nodes, edges, layout } }, tokens.ORG_ADMIN)).saveVisualWorkflow.visualWorkflow;
    expect(saved).toMatchObject({ nodes, edges, layout, version: 1, definition: null, validationErrors: [], createdBy: { userId: org.users.ORG_ADMIN.id } });
    const loaded = (await ok(app, LOAD, { id: saved.id }, tokens.NURSE)).visualWorkflow;
    expect(loaded).toEqual(saved);
    const moved = nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 5, y: 5 } } : n));
    const updated = (await ok(app, UPDATE, { i: { id: saved.id, version: 1, nodes: moved, description: 'Moved the start' } }, tokens.ORG_ADMIN)).updateVisualWorkflow.visualWorkflow;
    expect(updated).toMatchObject({ version: 2, description: 'Moved the start', edges, layout });
    expect(updated.nodes[0].position).toEqual({ x: 5, y: 5 });
    const stale = await fails(app, UPDATE, { i: { id: saved.id, version: 1, name: 'Stale' } }, tokens.ORG_ADMIN);
    expect(stale.extensions.code).toBe('CONFLICT');

    // Unlinked diagrams need an entity type; then compile creates version 1 as a DRAFT and links it.
    const needType = await fails(app, COMPILE, { i: { id: saved.id } }, tokens.ORG_ADMIN);
    expect(needType.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entityType' });
    const compiled = (await ok(app, COMPILE, { i: { id: saved.id, entityType: 'LAB_ORDER', definitionKey: 'lab-designed' } }, tokens.ORG_ADMIN)).compileVisualWorkflow;
    expect(compiled.definition).toMatchObject({ definitionKey: 'lab-designed', versionNumber: 1, status: 'DRAFT', name: 'Lab order (designer)' });
    // The compiled machine is exactly the definition the diagram was drawn from.
    const direct = (await ok(app, `query($m: JSONObject!) { validateWorkflowStateMachine(stateMachine: $m) { code } }`, { m: labMachine() }, tokens.ORG_ADMIN)).validateWorkflowStateMachine;
    expect(direct).toEqual([]);
    const reference = (await ok(app, CREATE_DEFINITION, { i: { name: 'Reference', entityType: 'LAB_ORDER', stateMachine: labMachine() } }, tokens.ORG_ADMIN)).createWorkflowDefinition.definition;
    expect(compiled.definition.stateMachineJson).toEqual(reference.stateMachineJson);
    expect(compiled.visualWorkflow.definition).toMatchObject({ workflowDefinitionId: compiled.definition.workflowDefinitionId });

    // Compiling again revises the linked draft in place; after publishing, it starts a new version.
    const again = (await ok(app, COMPILE, { i: { id: saved.id } }, tokens.ORG_ADMIN)).compileVisualWorkflow.definition;
    expect(again).toMatchObject({ workflowDefinitionId: compiled.definition.workflowDefinitionId, versionNumber: 1, status: 'DRAFT', version: 2 });
    const published = (await ok(app, PUBLISH, { i: { id: again.id, version: again.version } }, tokens.ORG_ADMIN)).publishWorkflowDefinition.definition;
    expect(published.status).toBe('PUBLISHED');
    const lab = await labOrder(app, org);
    const run = (await ok(app, START, { i: { definitionId: published.id, entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.NURSE)).startWorkflow;
    expect(run.createdTasks.map((t: any) => t.name)).toEqual(['Collect specimen']);
    const next = (await ok(app, COMPILE, { i: { id: saved.id } }, tokens.ORG_ADMIN)).compileVisualWorkflow;
    expect(next.definition).toMatchObject({ definitionKey: 'lab-designed', versionNumber: 2, status: 'DRAFT' });
    expect(next.visualWorkflow.definition.versionNumber).toBe(2);

    const audits = await app.admin`select action from audit_log where entity_id = ${saved.visualWorkflowId} order by occurred_at`;
    // The stale update was refused: it left a refusal row, not a change.
    expect(audits.map((a) => a.action)).toEqual([
      'visual_workflow.create', 'visual_workflow.update', 'mutation.refused', 'visual_workflow.compile', 'visual_workflow.compile', 'visual_workflow.compile',
    ]);
  });

  it('refuses an invalid diagram with the same validation errors as the equivalent definition', async () => {
    // Two start nodes, an edge to a missing node, a duplicate (from, event) and an unknown role.
    const machine = labMachine();
    machine.states[1]!.initial = true;
    machine.transitions.push({ from: 'RESULTED', to: 'ARCHIVE', event: 'FILE', allowedRoles: ['NURSE'], guards: [], actions: [] });
    machine.transitions.push({ from: 'ORDERED', to: 'RESULTED', event: 'COLLECT', allowedRoles: ['LAB_TECH'], guards: [], actions: [] });
    const definitionError = await fails(app, CREATE_DEFINITION, { i: { name: 'Broken', entityType: 'LAB_ORDER', stateMachine: machine } }, tokens.ORG_ADMIN);
    const expected = definitionError.extensions.validationErrors as { code: string }[];
    expect(expected.map((e) => e.code).sort()).toEqual(['DUPLICATE_TRANSITION', 'MULTIPLE_INITIAL_STATES', 'UNKNOWN_ROLE', 'UNKNOWN_STATE']);

    const { nodes, edges } = diagramOf(machine);
    nodes[1]!.type = 'start';
    const saved = (await ok(app, SAVE, { i: { name: 'Broken diagram', nodes, edges } }, tokens.ORG_ADMIN)).saveVisualWorkflow.visualWorkflow;
    expect(saved.validationErrors).toEqual(expected);
    const compileError = await fails(app, COMPILE, { i: { id: saved.id, entityType: 'LAB_ORDER' } }, tokens.ORG_ADMIN);
    expect(compileError.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stateMachine' });
    expect(compileError.extensions.validationErrors).toEqual(expected);
    expect(compileError.message).toBe(definitionError.message);
    expect(await app.admin`select 1 from workflow_definitions where organization_id = ${org.id} and name = 'Broken diagram'`).toHaveLength(0);
    const [row] = await app.admin`select definition_id, version from visual_workflows where id = ${saved.visualWorkflowId}`;
    expect(row).toEqual({ definition_id: null, version: 1 });
  });

  it('keeps designer documents per organization and requires WORKFLOWS_ADMIN to change them', async () => {
    const saved = (await ok(app, SAVE, { i: { name: 'Private', nodes: [], edges: [] } }, tokens.ORG_ADMIN)).saveVisualWorkflow.visualWorkflow;
    expect((await ok(app, LOAD, { id: saved.id }, otherTokens.ORG_ADMIN)).visualWorkflow).toBeNull();
    expect((await fails(app, UPDATE, { i: { id: saved.id, version: 1, name: 'Theirs' } }, otherTokens.ORG_ADMIN)).extensions.code).toBe('NOT_FOUND');
    expect((await fails(app, COMPILE, { i: { id: saved.id, entityType: 'LAB_ORDER' } }, otherTokens.ORG_ADMIN)).extensions.code).toBe('NOT_FOUND');
    expect((await fails(app, SAVE, { i: { name: 'Nurse', nodes: [], edges: [] } }, tokens.NURSE)).extensions.code).toBe('FORBIDDEN');
    const list = await ok(app, `{ visualWorkflows(first: 10) { totalCount edges { node { name } } } }`, {}, otherTokens.NURSE);
    expect(list.visualWorkflows.totalCount).toBe(0);
    const theirs = await fails(app, SAVE, { i: { name: 'Linked', nodes: [], edges: [], definitionId: '00000000-0000-4000-8000-000000000001' } }, tokens.ORG_ADMIN);
    expect(theirs.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'definitionId' });
  });
});

describe('workflow config', () => {
  const CONFIG = `defaultTaskDueHours escalationEnabled escalationAfterHours settings version`;
  const UPDATE_CONFIG = `mutation($i: UpdateWorkflowConfigInput!) { updateWorkflowConfig(input: $i) { config { ${CONFIG} } } }`;

  it('reads defaults, updates with versions and drives task due times', async () => {
    const initial = (await ok(app, `{ workflowConfig { ${CONFIG} } }`, {}, tokens.NURSE)).workflowConfig;
    expect(initial).toEqual({ defaultTaskDueHours: 24, escalationEnabled: false, escalationAfterHours: null, settings: {}, version: 0 });
    const noHours = await fails(app, UPDATE_CONFIG, { i: { version: 0, escalationEnabled: true } }, tokens.ORG_ADMIN);
    expect(noHours.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'escalationAfterHours' });
    const first = (await ok(app, UPDATE_CONFIG, { i: { version: 0, defaultTaskDueHours: 2, escalationEnabled: true, escalationAfterHours: 6, settings: { working_hours: { start: '08:00' } } } }, tokens.ORG_ADMIN)).updateWorkflowConfig.config;
    expect(first).toEqual({ defaultTaskDueHours: 2, escalationEnabled: true, escalationAfterHours: 6, settings: { working_hours: { start: '08:00' } }, version: 1 });
    const stale = await fails(app, UPDATE_CONFIG, { i: { version: 0, defaultTaskDueHours: 3 } }, tokens.ORG_ADMIN);
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    expect((await fails(app, UPDATE_CONFIG, { i: { version: 1, defaultTaskDueHours: 0 } }, tokens.ORG_ADMIN)).extensions.field).toBe('defaultTaskDueHours');
    expect((await fails(app, UPDATE_CONFIG, { i: { version: 1, defaultTaskDueHours: 3 } }, tokens.PHYSICIAN)).extensions.code).toBe('FORBIDDEN');
    const second = (await ok(app, UPDATE_CONFIG, { i: { version: 1, defaultTaskDueHours: 3 } }, tokens.ORG_ADMIN)).updateWorkflowConfig.config;
    expect(second).toMatchObject({ defaultTaskDueHours: 3, escalationAfterHours: 6, version: 2 });
    const audits = await app.admin`select changes from audit_log where organization_id = ${org.id} and action = 'workflow_config.update' order by occurred_at`;
    expect(audits.map((a) => a.changes.after)).toEqual([
      { defaultTaskDueHours: 2, escalationEnabled: true, escalationAfterHours: 6, settings: { working_hours: { start: '08:00' } } },
      { defaultTaskDueHours: 3 },
    ]);

    // A task without its own dueInHours is due after the configured default (3 h).
    const machine = {
      states: [
        { code: 'OPEN', name: 'Open', initial: true, terminal: false, actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Triage' }] },
        { code: 'DONE', name: 'Done', initial: false, terminal: true },
      ],
      transitions: [{ from: 'OPEN', to: 'DONE', event: 'CLOSE', allowedRoles: [], guards: [], actions: [] }],
    };
    const created = (await ok(app, CREATE_DEFINITION, { i: { name: 'Triage', entityType: 'ENCOUNTER', stateMachine: machine } }, tokens.ORG_ADMIN)).createWorkflowDefinition.definition;
    await ok(app, PUBLISH, { i: { id: created.id, version: 1 } }, tokens.ORG_ADMIN);
    const { encounterId } = await labOrder(app, org);
    const { value: started, span } = await during(() => ok(app, START, { i: { entityType: 'ENCOUNTER', entityId: encounterId } }, tokens.NURSE));
    const task = started.startWorkflow.createdTasks[0];
    expectInSpan(task.dueAt, span, 3 * 3600_000); // due 3 hours after the start
    expect(task.priority).toBe('NORMAL');
  });
});
