import type postgres from 'postgres';

/**
 * Waits on observable state, never on the clock: polls `check` until it
 * returns something truthy and resolves with it. The deadline only turns a
 * hang into a clear failure; it is generous so that busy CPUs never trip it.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string | (() => string),
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sessions of this database waiting on a lock (pg_stat_activity), optionally only those of one application. */
export async function lockWaiters(admin: postgres.Sql, applicationName?: string): Promise<number> {
  const [row] = await admin<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'
      and (${applicationName ?? null}::text is null or application_name = ${applicationName ?? null}::text)`;
  return row!.n;
}

/**
 * Resolves once at least `count` sessions of the database wait on a lock: the
 * observable proof that requests reached the row a test holds locked.
 * Defaults to the API's own connections (application_name `health-graphql`).
 */
export async function waitForLockWaits(
  admin: postgres.Sql,
  count = 1,
  applicationName: string | null = 'health-graphql',
): Promise<void> {
  let seen = 0;
  await waitFor(
    async () => (seen = await lockWaiters(admin, applicationName ?? undefined)) >= count,
    () => `${count} session(s) waiting on a lock (saw ${seen})`,
  );
}

/**
 * Resolves with the first text `stream` emits that matches `pattern` (the
 * output so far is matched as a whole); rejects if the stream ends first.
 */
export function waitForOutput(
  stream: NodeJS.ReadableStream,
  pattern: RegExp,
  describe: () => string = () => '',
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer | string) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        stream.off('data', onData);
        stream.off('end', onEnd);
        resolve(match);
      }
    };
    const onEnd = () => reject(new Error(`output ended without ${pattern}: ${output}${describe()}`));
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}
