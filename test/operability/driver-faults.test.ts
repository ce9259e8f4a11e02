import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isConnectionFailure } from '../../src/kernel/db/commit-outcome.js';
import { createDatabase, type Database } from '../../src/kernel/db/pool.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The driver's own failure paths (patches/postgres+3.4.9.patch), one connection
 * at a time. A TCP proxy between the pool and PostgreSQL resets the client's
 * socket at a moment the test chooses: the driver then sees a socket error and,
 * one event-loop turn later, the close. Whatever the driver queued on the dead
 * socket in between (a transaction's ROLLBACK) must fail with it; carried into
 * the next socket, it was taken for that socket's active statement, and the
 * next request on the connection waited forever.
 */

const APP = 'driver-faults-test';

interface ResettingProxy {
  url: string;
  /** Resets every client socket (RST) and closes the matching server sockets. */
  resetAll(): void;
  close(): Promise<void>;
}

async function startResettingProxy(targetUrl: string): Promise<ResettingProxy> {
  const proxy = await startTcpProxy(targetUrl);
  return {
    url: proxy.url(targetUrl),
    resetAll() {
      for (const { client, server } of proxy.connections) {
        client.resetAndDestroy();
        server.destroy();
      }
    },
    close: proxy.close,
  };
}

let admin: postgres.Sql;
let proxy: ResettingProxy;
let db: Database;

beforeAll(async () => {
  const adminUrl = inject('adminUrl');
  admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  proxy = await startResettingProxy(adminUrl);
  // One connection: every transaction below reuses the same driver connection object.
  db = createDatabase(proxy.url, { maxConnections: 1, minConnections: 0, connectTimeoutMs: 30_000, idleTimeoutMs: 60_000 }, APP);
});

afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await admin?.end({ timeout: 1 });
});

/** Holds a session-level advisory lock from the admin pool until released. */
async function holdAdvisoryLock(key: number) {
  const session = await admin.reserve();
  await session`select pg_advisory_lock(${key})`;
  return async () => {
    await session`select pg_advisory_unlock(${key})`;
    session.release();
  };
}

describe('a connection reset while a transaction statement runs', () => {
  it('fails that transaction, and the next one on the same connection runs normally', async () => {
    const key = 4_200_000 + Math.floor(Math.random() * 1_000_000);
    const release = await holdAdvisoryLock(key);
    try {
      const waiting = db.sql.begin(async (tx) => {
        // The same statement twice: the second runs prepared (Bind/Execute only), so the
        // connection stays writable for this transaction and the ROLLBACK goes straight out.
        await tx`select pg_advisory_xact_lock(${key + 1}::bigint)`;
        await tx`select pg_advisory_xact_lock(${key}::bigint)`;
      });
      waiting.catch(() => {});
      await waitFor(async () => {
        const rows = await admin`select 1 from pg_stat_activity where application_name = ${APP} and wait_event_type = 'Lock'`;
        return rows.length > 0;
      }, 'the transaction to wait on the advisory lock');
      proxy.resetAll();
      const failure = await waiting.then(
        () => null,
        (error: unknown) => error,
      );
      expect(isConnectionFailure(failure), String(failure)).toBe(true);
    } finally {
      await release();
    }

    // A parameterised statement is described before it is bound (Parse/Describe/Flush, then
    // Bind/Execute/Sync): the step that waited forever when a stale statement was taken for it.
    for (let round = 1; round <= 3; round++) {
      const [row] = await db.sql.begin((tx) => tx<{ n: number }[]>`select ${round}::int + 41 as n`);
      expect(row!.n).toBe(round + 41);
    }
  });
});

describe('a BEGIN that fails', () => {
  it("fails the transaction with BEGIN's error; statements the body issues after that never run", async () => {
    const ran: string[] = [];
    // The body starts while BEGIN is still on the wire (pipelined); its first statement may
    // reach the server, which is why every transaction here begins with the scope statement.
    const failure = await db.sql
      .begin('not a valid option', async (tx) => {
        await tx`select set_config('app.first', 'x', true)`;
        ran.push('first');
        await tx`select set_config('app.second', 'x', true)`;
        ran.push('second');
      })
      .then(
        () => null,
        (error: unknown) => error as { code?: string },
      );
    expect(failure?.code).toBe('42601');
    expect(ran).not.toContain('second');
    const [row] = await db.sql<{ n: number }[]>`select ${7}::int as n`;
    expect(row!.n).toBe(7);
  });
});

describe('statements written behind BEGIN before it answered', () => {
  it("resolve only once BEGIN succeeded: behind a failed BEGIN, what PostgreSQL ran outside the transaction is never seen", async () => {
    let outcomes: Promise<PromiseSettledResult<unknown>[]> | undefined;
    const failure = await db.sql
      .begin('not a valid option', (tx) => {
        // Issued together, before BEGIN answered: both ride behind it in one write, so the
        // server runs them (in implicit transactions) even though BEGIN failed.
        const scope = tx`select set_config('app.first', 'x', true) as v`;
        const read = tx<{ n: number }[]>`select ${5}::int as n`;
        outcomes = Promise.allSettled([scope, read]);
        return Promise.all([scope, read]);
      })
      .then(
        () => null,
        (error: unknown) => error as { code?: string },
      );
    expect(failure?.code).toBe('42601');
    const settled = await outcomes!;
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toMatchObject({ code: '42601' });
  });

  it('on a fresh connection (BEGIN its first query, every statement described first) run one after another, in order', async () => {
    // The shape that hung before: a statement that must be described first was followed on the
    // wire by the next one before it was bound.
    const fresh = postgres(inject('adminUrl'), { max: 1, onnotice: () => {} });
    try {
      for (let round = 1; round <= 3; round++) {
        const rows = await fresh.begin((tx) =>
          Promise.all([
            tx<{ v: string }[]>`select set_config('app.round', ${String(round)}::text, true) as v`,
            tx<{ n: number }[]>`select ${round}::int * 10 as n`,
            tx<{ v: string | null }[]>`select current_setting('app.round', true) as v`,
          ]),
        );
        expect(rows.map(([row]) => Object.values(row!)[0])).toEqual([String(round), round * 10, String(round)]);
      }
    } finally {
      await fresh.end({ timeout: 1 });
    }
  });

  it('share its round trip and, once BEGIN succeeded, resolve with their rows', async () => {
    const rows = await db.sql.begin((tx) => Promise.all([tx<{ n: number }[]>`select ${1}::int as n`, tx<{ n: number }[]>`select ${2}::int + 0 as n`]));
    expect(rows.map(([row]) => row!.n)).toEqual([1, 2]);
  });
});

describe('a statement the body left in flight at COMMIT', () => {
  it('fails the transaction with its error, and nothing of the transaction commits', async () => {
    await admin.unsafe('create table if not exists driver_fault_rows (id bigint primary key)');
    const id = Date.now();
    const attempt = () =>
      db.sql.begin(async (tx) => {
        await tx.unsafe('insert into driver_fault_rows (id) values ($1)', [id]);
        // Prepared on this connection by the first run, so the second is pipelined with COMMIT.
        void tx`select 1 / ${0}::int as x`.execute().catch(() => undefined);
        return 'done';
      });
    for (let run = 0; run < 2; run++) {
      const failure = await attempt().then(
        () => null,
        (error: unknown) => error as { code?: string },
      );
      expect(failure?.code).toBe('22012');
    }
    expect(await admin`select id from driver_fault_rows where id = ${id}`).toHaveLength(0);
    await admin.unsafe('drop table driver_fault_rows');
  });
});
