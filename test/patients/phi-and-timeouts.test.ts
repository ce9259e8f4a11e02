import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { lockWaiters } from '../helpers/wait.js';

let app: TestApp;
let org: TestOrganization;
let token: string;
let patientIds: string[];

beforeAll(async () => {
  app = await createTestApp({ QUERY_TIMEOUT_MS: '400' });
  org = await createOrganization(app.admin, 'north');
  const rows = await app.admin<{ id: string }[]>`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    select ${org.id}, 'P-' || lpad(i::text, 4, '0'), 'Given', 'Family' || i, date '1970-01-01' + i
    from generate_series(1, 5) as i returning id`;
  patientIds = rows.map((r) => r.id);
  token = (await login(app, org.users.NURSE.email)).accessToken;
});
afterAll(() => app.close());

describe('PHI access audit', () => {
  it('records which patients a request read, by whom, in one row per request', async () => {
    const requestId = 'phi-audit-request-0001';
    const res = await fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({
        query: `query ChartList($id: ID!) { patients(first: 3) { edges { node { id } } } patient(id: $id) { mrn } }`,
        variables: { id: patientIds[4] },
      }),
    });
    expect(res.status).toBe(200);
    const rows = await app.admin<{ userId: string; patientIds: string[]; operationName: string }[]>`
      select user_id as "userId", patient_ids as "patientIds", operation_name as "operationName"
      from phi_access_log where request_id = ${requestId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.userId).toBe(org.users.NURSE.id);
    expect(rows[0]!.operationName).toBe('ChartList');
    expect(new Set(rows[0]!.patientIds)).toEqual(new Set([...patientIds.slice(0, 3), patientIds[4]]));
  });

  it('writes nothing for a request that read no patient', async () => {
    const requestId = 'phi-audit-request-0002';
    await fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: `{ me { email } }` }),
    });
    expect(await app.admin`select 1 from phi_access_log where request_id = ${requestId}`).toHaveLength(0);
  });
});

describe('PHI access audit when the request fails', () => {
  const post = (requestId: string, query: string) =>
    fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    }).then((r) => r.json() as Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>);

  it('records the patients read even when a later statement aborted the read transaction', async () => {
    const requestId = 'phi-audit-request-0003';
    // Another session holds imaging_orders, so the nested read waits past the statement timeout and
    // aborts the request's read transaction after the patients were read and shown. (A relation the
    // look-ahead prefetch does not bundle: bundled ones are read by the page statement itself.)
    const locker = await app.admin.reserve();
    try {
      await locker`begin`;
      await locker`lock table imaging_orders in access exclusive mode`;
      const res = await post(requestId, `{ patients(first: 2) { edges { node { id imagingOrders { id } } } } }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    } finally {
      await locker`rollback`;
      locker.release();
    }
    const rows = await app.admin<{ patientIds: string[] }[]>`
      select patient_ids as "patientIds" from phi_access_log where request_id = ${requestId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.patientIds).toHaveLength(2);
  });

  it('withholds the data when the access cannot be recorded at all', async () => {
    const requestId = 'phi-audit-request-0004';
    await app.admin`revoke insert on phi_access_log from health_app`;
    try {
      const res = await post(requestId, `{ patients(first: 2) { edges { node { id mrn } } } }`);
      expect(res.data).toBeNull();
      // Issue 21: a clear code of its own (it was INTERNAL_SERVER_ERROR, "database unavailable").
      expect(res.errors?.[0]?.extensions?.code).toBe('ACCESS_NOT_RECORDED');
      expect(JSON.stringify(res)).not.toContain('P-000');
    } finally {
      await app.admin`grant insert on phi_access_log to health_app`;
    }
    // Served again once the log accepts rows.
    const again = await post('phi-audit-request-0005', `{ patients(first: 2) { edges { node { id mrn } } } }`);
    expect(again.errors).toBeUndefined();
  });
});

describe('query timeout', () => {
  it('a statement that exceeds QUERY_TIMEOUT_MS returns TIMEOUT and changes nothing', async () => {
    // Another session holds the patient row, so the update waits past the statement timeout.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const locker = app.admin.begin(async (tx) => {
      await tx`select id from ehr_patients where id = ${patientIds[0]!} for update`;
      locked();
      await held;
    });
    await isLocked;
    const res = await app.gql(
      `mutation($i: UpdatePatientInput!) { updatePatient(input: $i) { patient { firstName } } }`,
      { i: { id: patientIds[0], version: 1, firstName: 'Blocked' } },
      token,
    );
    // The answer came while the lock is still held, so the statement was cut short (not left waiting):
    // no API session waits on a lock any more.
    const stillWaiting = await lockWaiters(app.admin);
    release();
    await locker;
    expect(res.errors?.[0]?.extensions.code).toBe('TIMEOUT');
    expect(stillWaiting).toBe(0);
    const [row] = await app.admin`select first_name from ehr_patients where id = ${patientIds[0]!}`;
    expect(row!.first_name).toBe('Given');
  });
});
