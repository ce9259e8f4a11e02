/**
 * Issue 21, finding 1: a workflow's patient is system context (workflow_instances.patient_id,
 * kept from the governed record), not user data that variables or form data could rewrite; and
 * an access the PHI log cannot record is refused, never served unlogged.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/kernel/auth/permissions.js';
import { createOrganization, tokensByRole, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { CLAIM, COMPLETE, fails, gid, labMachine, labOrder, ok, publishedDefinition, START, TRANSITION } from './support.js';

let app: TestApp;
let org: TestOrganization;
let tokens: Record<Role, string>;

beforeAll(async () => {
  app = await createTestApp();
  org = await createOrganization(app.admin, 'sysctx');
  tokens = await tokensByRole(app, org);
  await publishedDefinition(app, tokens.ORG_ADMIN, { name: 'Laboratory order', entityType: 'LAB_ORDER', stateMachine: labMachine() });
});
afterAll(() => app.close());

/** Runs `query` as `role` under a request id of its own; returns the response and the access-log rows of that request. */
async function logged(query: string, variables: Record<string, unknown>, role: Role) {
  const requestId = `sysctx-${randomUUID()}`;
  const response = await fetch(app.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  }).then((r) => r.json() as Promise<{ data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] }>);
  const rows = await app.admin<{ patientIds: string[] }[]>`
    select patient_ids as "patientIds" from phi_access_log where request_id = ${requestId}`;
  return { response, rows };
}

const READ_BOTH = `query($instance: ID!, $patient: ID!) { workflowInstance(id: $instance) { context } patient(id: $patient) { id } }`;

describe('finding 1: a workflow\'s patientId cannot be rewritten, so the PHI access log never lies or vanishes', () => {
  it('refuses patientId in transition variables, start variables and task form data', async () => {
    const lab = await labOrder(app, org);
    const other = await labOrder(app, org);
    const started = (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN)).startWorkflow;
    expect(started.instance.context).toEqual({ patientId: lab.patientId });

    const viaVariables = await fails(app, TRANSITION, { i: { instanceId: started.instance.id, event: 'COLLECT', variables: { specimenId: 'SP-1', patientId: other.patientId } } }, tokens.NURSE);
    expect(viaVariables.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.patientId' });
    expect(viaVariables.message).toMatch(/set by the server from the governed record/);

    await ok(app, CLAIM, { i: { taskId: started.createdTasks[0].id } }, tokens.NURSE);
    const viaForm = await fails(app, COMPLETE, { i: { taskId: started.createdTasks[0].id, formData: { specimenId: 'SP-1', patientId: 'n/a' } } }, tokens.NURSE);
    expect(viaForm.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'formData.patientId' });

    const viaStart = await fails(app, START, { i: { entityType: 'LAB_ORDER', entityId: other.labTestId, variables: { patientId: lab.patientId } } }, tokens.PHYSICIAN);
    expect(viaStart.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.patientId' });

    // Nothing changed: the instance still names its record's patient, in its column and as shown.
    const [row] = await app.admin`select patient_id, context from workflow_instances where id = ${started.instance.workflowInstanceId}`;
    expect(row).toEqual({ patient_id: lab.patientId, context: {} });
  });

  it('editing, completing and cancelling workflow data never changes which patient an access-log row names', async () => {
    const lab = await labOrder(app, org);
    const other = await labOrder(app, org);
    const started = (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN)).startWorkflow;
    const instance = started.instance;
    const task = started.createdTasks[0].id;
    await ok(app, CLAIM, { i: { taskId: task } }, tokens.NURSE);
    await ok(app, COMPLETE, { i: { taskId: task, formData: { specimenId: 'SP-7', note: 'left arm' } } }, tokens.NURSE);
    await ok(app, TRANSITION, { i: { instanceId: instance.id, event: 'COLLECT', variables: { courier: 'B-12' } } }, tokens.NURSE);

    // The user context holds only user data; even a context edited behind the API's back (as the
    // finding's nurse did through the API) cannot move the instance to another patient or to none.
    await app.admin`update workflow_instances set context = context || jsonb_build_object('patientId', 'n/a') where id = ${instance.workflowInstanceId}`;
    const read = await logged(READ_BOTH, { instance: instance.id, patient: gid('Patient', other.patientId) }, 'PHYSICIAN');
    expect(read.response.errors).toBeUndefined();
    expect(read.response.data.workflowInstance.context).toMatchObject({ patientId: lab.patientId, specimenId: 'SP-7', courier: 'B-12' });
    expect(read.rows).toHaveLength(1);
    expect(new Set(read.rows[0]!.patientIds)).toEqual(new Set([lab.patientId, other.patientId]));

    await ok(app, `mutation($i: CancelWorkflowInput!) { cancelWorkflow(input: $i) { instance { status } } }`, { i: { instanceId: instance.id, reason: 'Ordered twice' } }, tokens.PHYSICIAN);
    const afterCancel = await logged(`query($id: ID!) { workflowInstance(id: $id) { status context } }`, { id: instance.id }, 'NURSE');
    expect(afterCancel.response.data.workflowInstance).toMatchObject({ status: 'CANCELLED', context: { patientId: lab.patientId } });
    expect(afterCancel.rows.map((r) => r.patientIds)).toEqual([[lab.patientId]]);
  });
});

describe('an access that cannot be logged is refused', () => {
  it('answers ACCESS_NOT_RECORDED with no data when the PHI access log refuses the row, and serves again once it accepts', async () => {
    const lab = await labOrder(app, org);
    const started = (await ok(app, START, { i: { entityType: 'LAB_ORDER', entityId: lab.labTestId } }, tokens.PHYSICIAN)).startWorkflow;
    const query = `query($id: ID!) { workflowInstance(id: $id) { context } }`;
    await app.admin`revoke insert on phi_access_log from health_app`;
    let refused;
    try {
      refused = await logged(query, { id: started.instance.id }, 'PHYSICIAN');
    } finally {
      await app.admin`grant insert on phi_access_log to health_app`;
    }
    expect(refused.response.data).toBeNull();
    expect(refused.response.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/could not be written to the access log, so the data was withheld/),
        extensions: expect.objectContaining({ code: 'ACCESS_NOT_RECORDED', retryable: true }),
      }),
    ]);
    expect(JSON.stringify(refused.response)).not.toContain(lab.patientId);
    expect(refused.rows).toEqual([]);
    const served = await logged(query, { id: started.instance.id }, 'PHYSICIAN');
    expect(served.response.data.workflowInstance.context).toEqual({ patientId: lab.patientId });
    expect(served.rows.map((r) => r.patientIds)).toEqual([[lab.patientId]]);
  });
});
