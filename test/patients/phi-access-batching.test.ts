/**
 * PHI access rows of concurrent requests committed together (src/kernel/db/access-log.ts): driven by a
 * lock on phi_access_log, so which request carries whose row follows from observable state, not timing.
 */
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor, waitForLockWaits } from '../helpers/wait.js';

let app: TestApp;
const orgs: { org: TestOrganization; token: string; patientIds: string[] }[] = [];

beforeAll(async () => {
  app = await createTestApp();
  for (const slug of ['batch-north', 'batch-south']) {
    const org = await createOrganization(app.admin, slug);
    const rows = await app.admin<{ id: string }[]>`
      insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
      select ${org.id}, 'B-' || lpad(i::text, 4, '0'), 'Given', 'Family' || i, date '1970-01-01' + i
      from generate_series(1, 6) as i returning id`;
    orgs.push({ org, token: (await login(app, org.users.NURSE.email)).accessToken, patientIds: rows.map((r) => r.id) });
  }
});
afterAll(() => app.close());

interface Answer {
  data?: { patient: { mrn: string } | null } | null;
  errors?: unknown[];
}

/** Reads one patient as `requestId` (operation ChartPeek); the answer arrives once its access is logged. */
const readPatient = (token: string, patientId: string, requestId: string): Promise<Answer> =>
  fetch(app.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query: 'query ChartPeek($id: ID!) { patient(id: $id) { mrn } }', variables: { id: patientId } }),
  }).then((r) => r.json() as Promise<Answer>);

/** Holds inserts into phi_access_log (SHARE conflicts with their ROW EXCLUSIVE) until `release`. */
async function holdAccessLog(): Promise<{ release(): Promise<void> }> {
  const locker: postgres.ReservedSql = await app.admin.reserve();
  await locker`begin`;
  await locker`lock table phi_access_log in share mode`;
  return {
    release: async () => {
      await locker`rollback`;
      locker.release();
    },
  };
}

async function accessRows(requestIds: string[]) {
  const rows = await app.admin<{ requestId: string; organizationId: string; userId: string; patientIds: string[]; operationName: string; xid: string }[]>`
    select request_id as "requestId", organization_id as "organizationId", user_id as "userId", patient_ids as "patientIds",
           operation_name as "operationName", xmin::text as xid
    from phi_access_log where request_id = any(${requestIds}::text[])`;
  return new Map(rows.map((r) => [r.requestId, r]));
}

const boarded = (organizationId: string) => app.api.deps.accessLog.boarded(organizationId);

/** The phi_access_log_rows_per_insert histogram's count (inserts) and sum (rows). */
async function insertsObserved(): Promise<{ inserts: number; rows: number }> {
  const text = await fetch(app.api.metricsUrl).then((r) => r.text());
  const value = (name: string) => Number(new RegExp(`^phi_access_log_rows_per_insert_${name} (\\d+)`, 'm').exec(text)?.[1] ?? 'NaN');
  return { inserts: value('count'), rows: value('sum') };
}

describe('PHI access rows of concurrent requests', () => {
  it('commits the rows of requests that ended during another insert together, each its own, one organization per transaction', async () => {
    const [north, south] = [orgs[0]!, orgs[1]!];
    const ids = ['batch-grp-a', 'batch-grp-b', 'batch-grp-c', 'batch-grp-d', 'batch-grp-south'];
    const before = await insertsObserved();
    const hold = await holdAccessLog();
    let answers: Answer[];
    try {
      // The first request inserts its own row and waits on the lock: a flight is in the air.
      const first = readPatient(north.token, north.patientIds[0]!, 'batch-grp-a');
      await waitForLockWaits(app.admin, 1);
      // Three more of the same organization end meanwhile: one carrier boards, two passengers with it.
      const later = [1, 2, 3].map((i) => readPatient(north.token, north.patientIds[i]!, ids[i]!));
      await waitFor(() => boarded(north.org.id) === 3, () => `3 rows boarded (saw ${boarded(north.org.id)})`);
      // Another organization never boards north's carrier: it flies on its own.
      const other = readPatient(south.token, south.patientIds[0]!, 'batch-grp-south');
      await waitForLockWaits(app.admin, 2);
      expect(boarded(south.org.id)).toBe(0);
      await hold.release();
      answers = await Promise.all([first, ...later, other]);
    } finally {
      await hold.release().catch(() => undefined);
    }
    expect(answers.map((a) => a.errors)).toEqual(answers.map(() => undefined));
    expect(answers.map((a) => a.data?.patient?.mrn)).toEqual(['B-0001', 'B-0002', 'B-0003', 'B-0004', 'B-0001']);

    const rows = await accessRows(ids);
    expect([...rows.keys()].sort()).toEqual([...ids].sort());
    const expected = [
      ['batch-grp-a', north, 0],
      ['batch-grp-b', north, 1],
      ['batch-grp-c', north, 2],
      ['batch-grp-d', north, 3],
      ['batch-grp-south', south, 0],
    ] as const;
    for (const [requestId, tenant, patient] of expected) {
      const row = rows.get(requestId)!;
      expect(row.organizationId).toBe(tenant.org.id);
      expect(row.userId).toBe(tenant.org.users.NURSE.id);
      expect(row.operationName).toBe('ChartPeek');
      expect(row.patientIds).toEqual([tenant.patientIds[patient]]);
    }
    const xid = (requestId: string) => rows.get(requestId)!.xid;
    expect(new Set([xid('batch-grp-b'), xid('batch-grp-c'), xid('batch-grp-d')]).size).toBe(1);
    expect(new Set([xid('batch-grp-a'), xid('batch-grp-b'), xid('batch-grp-south')]).size).toBe(3);
    // Three inserts carried the five rows: north's first alone, its three together, south's alone.
    const after = await insertsObserved();
    expect({ inserts: after.inserts - before.inserts, rows: after.rows - before.rows }).toEqual({ inserts: 3, rows: 5 });
  });

  it('records each passenger alone when its carrier fails, and serves every request', async () => {
    const north = orgs[0]!;
    const hold = await holdAccessLog();
    let answers: Answer[];
    try {
      const first = readPatient(north.token, north.patientIds[0]!, 'batch-fail-a');
      await waitForLockWaits(app.admin, 1);
      const carrier = readPatient(north.token, north.patientIds[1]!, 'batch-fail-b');
      await waitFor(() => boarded(north.org.id) === 1, 'the next carrier boarded');
      const passenger = readPatient(north.token, north.patientIds[2]!, 'batch-fail-c');
      await waitFor(() => boarded(north.org.id) === 2, 'a passenger boarded');
      // The carrier's read transaction waits open for its turn (the passenger's commits read-only, so once
      // that COMMIT is through, the carrier's is the only open one); its backend dies there.
      const waitingOpen = () => app.admin<{ pid: number }[]>`
        select pid from pg_stat_activity
        where datname = current_database() and application_name = 'health-graphql' and state = 'idle in transaction'`;
      const carrierPid = await waitFor(async () => {
        const found = await waitingOpen();
        return found.length === 1 ? found[0]!.pid : null;
      }, "only the carrier's transaction open");
      await app.admin`select pg_terminate_backend(${carrierPid}::int)`;
      await hold.release();
      answers = await Promise.all([first, carrier, passenger]);
    } finally {
      await hold.release().catch(() => undefined);
    }
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined, undefined]);
    const rows = await accessRows(['batch-fail-a', 'batch-fail-b', 'batch-fail-c']);
    expect([...rows.keys()].sort()).toEqual(['batch-fail-a', 'batch-fail-b', 'batch-fail-c']);
    expect(rows.get('batch-fail-b')!.patientIds).toEqual([north.patientIds[1]]);
    expect(rows.get('batch-fail-c')!.patientIds).toEqual([north.patientIds[2]]);
    // Each recorded in a transaction of its own after the carrier's failed.
    expect(rows.get('batch-fail-b')!.xid).not.toBe(rows.get('batch-fail-c')!.xid);
    expect(boarded(north.org.id)).toBe(0);
  });
});
