import { expect } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import type { TestOrganization } from '../helpers/fixtures.js';
import { expectData } from '../helpers/expect-data.js';

/** Runs an operation that must succeed. */
export async function ok(app: TestApp, query: string, variables: Record<string, unknown>, token: string): Promise<any> {
  return expectData(app, query, variables, token);
}

/** Runs an operation that must fail; returns the first error. */
export async function fails(app: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await app.gql(query, variables, token);
  expect(res.errors?.length, JSON.stringify(res.data)).toBeGreaterThan(0);
  return res.errors![0]!;
}

export const gid = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`, 'utf8').toString('base64url');
export const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

/** A patient, an encounter and a lab test of `org`, inserted directly. */
export async function labOrder(app: TestApp, org: TestOrganization, label = 'CBC') {
  const [patient] = await app.admin<{ id: string }[]>`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    values (${org.id}, ${`MRN-${Math.random().toString(36).slice(2, 10).toUpperCase()}`}, 'Amina', 'Otieno', '1980-04-02')
    returning id`;
  const [encounter] = await app.admin<{ id: string }[]>`
    insert into encounters (organization_id, patient_id, provider_id, encounter_type)
    values (${org.id}, ${patient!.id}, ${org.users.PHYSICIAN.id}, 'OUTPATIENT') returning id`;
  const [test] = await app.admin<{ id: string }[]>`
    insert into lab_tests (organization_id, patient_id, encounter_id, ordered_by, test_name, test_code)
    values (${org.id}, ${patient!.id}, ${encounter!.id}, ${org.users.PHYSICIAN.id}, ${label}, 'LAB-1') returning id`;
  return { patientId: patient!.id, encounterId: encounter!.id, labTestId: test!.id };
}

/**
 * The laboratory order workflow of the seeder, plus an entry task on ORDERED
 * and a guard on COLLECT (the specimen id must be recorded).
 */
export function labMachine(overrides: { collectGuards?: unknown[] } = {}) {
  return {
    states: [
      { code: 'ORDERED', name: 'Ordered', initial: true, terminal: false, actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Collect specimen', priority: 'HIGH', dueInHours: 4 }] },
      { code: 'COLLECTED', name: 'Specimen collected', initial: false, terminal: false },
      { code: 'RESULTED', name: 'Resulted', initial: false, terminal: false },
      { code: 'VERIFIED', name: 'Verified', initial: false, terminal: true },
      { code: 'CANCELLED', name: 'Cancelled', initial: false, terminal: true },
    ],
    transitions: [
      {
        from: 'ORDERED', to: 'COLLECTED', event: 'COLLECT', allowedRoles: ['NURSE', 'PHYSICIAN'],
        guards: overrides.collectGuards ?? [{ type: 'FIELD_SET', field: 'specimenId' }],
        actions: [{ type: 'CREATE_TASK', role: 'NURSE', name: 'Enter results' }],
      },
      {
        from: 'COLLECTED', to: 'RESULTED', event: 'RESULT', allowedRoles: ['NURSE', 'PHYSICIAN'],
        guards: [{ type: 'TASKS_COMPLETED', taskName: 'Enter results' }],
        actions: [{ type: 'CREATE_TASK', role: 'PHYSICIAN', name: 'Verify results' }],
      },
      { from: 'RESULTED', to: 'VERIFIED', event: 'VERIFY', allowedRoles: ['PHYSICIAN'], guards: [], actions: [] },
      { from: 'ORDERED', to: 'CANCELLED', event: 'CANCEL', allowedRoles: ['PHYSICIAN'], guards: [], actions: [] },
      { from: 'COLLECTED', to: 'CANCELLED', event: 'CANCEL', allowedRoles: ['PHYSICIAN'], guards: [], actions: [] },
    ],
  };
}

/** The designer shape the seeder writes: one node per state, one edge per transition, rules in `data`. */
export function diagramOf(machine: ReturnType<typeof labMachine>) {
  const nodes = machine.states.map((s, i) => ({
    id: s.code,
    type: s.initial ? 'start' : s.terminal ? 'end' : 'state',
    label: s.name,
    position: { x: 80 + i * 220, y: 120 },
    ...(s.actions ? { data: { actions: s.actions } } : {}),
  }));
  const edges = machine.transitions.map((t) => ({
    id: `${t.from}-${t.event}-${t.to}`,
    source: t.from,
    target: t.to,
    label: t.event,
    data: { allowedRoles: t.allowedRoles, guards: t.guards, actions: t.actions },
  }));
  return { nodes, edges };
}

export const DEFINITION = `id workflowDefinitionId name entityType definitionKey versionNumber status isActive isDefault version
  stateMachineJson stateMachine { states { code name initial terminal actions { name role priority dueInHours } }
  transitions { from to event allowedRoles allowedPermissions guards { type field valueJson valuesJson taskName } actions { type name role } } }`;
export const CREATE_DEFINITION = `mutation($i: CreateWorkflowDefinitionInput!) { createWorkflowDefinition(input: $i) { definition { ${DEFINITION} } } }`;
export const PUBLISH = `mutation($i: PublishWorkflowDefinitionInput!) { publishWorkflowDefinition(input: $i) { definition { ${DEFINITION} } } }`;
export const INSTANCE = `id workflowInstanceId currentState currentStateName status version context entityType entityId
  definition { workflowDefinitionId versionNumber } startedBy { userId }`;
export const START = `mutation($i: StartWorkflowInput!) { startWorkflow(input: $i) { instance { ${INSTANCE} }
  createdTasks { id workflowTaskId name status priority assignedRole dueAt } } }`;
export const TRANSITION = `mutation($i: TransitionWorkflowInput!) { transitionWorkflow(input: $i) {
  instance { ${INSTANCE} } transition { fromState toState event comment actor { userId } }
  createdTasks { id workflowTaskId name assignedRole status } cancelledTasks { workflowTaskId name status } } }`;
export const TASK = `id workflowTaskId name status priority assignedRole claimedBy { userId } completedBy { userId } formData version`;
export const CLAIM = `mutation($i: WorkflowTaskInput!) { claimTask(input: $i) { task { ${TASK} } } }`;
export const RELEASE = `mutation($i: WorkflowTaskInput!) { releaseTask(input: $i) { task { ${TASK} } } }`;
export const COMPLETE = `mutation($i: CompleteTaskInput!) { completeTask(input: $i) { task { ${TASK} } } }`;

/** Creates and publishes a definition as ORG_ADMIN; returns it. */
export async function publishedDefinition(
  app: TestApp,
  adminToken: string,
  input: { name: string; entityType: string; stateMachine: unknown; definitionKey?: string },
  makeDefault?: boolean,
) {
  const created = (await ok(app, CREATE_DEFINITION, { i: input }, adminToken)).createWorkflowDefinition.definition;
  const published = await ok(app, PUBLISH, { i: { id: created.id, version: created.version, ...(makeDefault === undefined ? {} : { makeDefault }) } }, adminToken);
  return published.publishWorkflowDefinition.definition;
}
