import { createClient, type Client } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { createDeps, startApi, type RunningApi } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';
import { toGlobalId } from '../../src/kernel/global-id.js';
import type { GraphQLResponse, TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';
import { apiDatabaseEnv, TEST_JWT_SECRET } from '../helpers/test-app.js';

/** A second API process (its own pool, LISTEN connection and WebSocket server) over the same database. */
export interface SecondInstance {
  api: RunningApi;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function startSecondInstance(app: TestApp, env: Record<string, string> = {}): Promise<SecondInstance> {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, METRICS_PORT: '0', ...apiDatabaseEnv(app.databaseUrl), ...env });
  const deps = createDeps(config, config.database.url!, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const api = await startApi(deps, 0, '127.0.0.1');
  return {
    api,
    async gql(query, variables = {}, token) {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    close: () => api.stop(),
  };
}

/** A real graphql-ws client of one API instance. */
export function wsClient(api: RunningApi, connectionParams: Record<string, unknown> = {}): Client {
  return createClient({
    url: api.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Everything one subscription delivers, plus how it ended. */
export interface Collected<T> {
  events: T[];
  errors: unknown[];
  completed: boolean;
  stop(): void;
  /** Resolves once `n` events arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<T[]>;
  /** Resolves once the subscription errored or completed. */
  ended(ms?: number): Promise<void>;
}

export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown>): Collected<T> {
  const c = { events: [] as T[], errors: [] as unknown[], completed: false } as Collected<T>;
  c.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) c.errors.push(...value.errors);
        else c.events.push(value.data as T);
      },
      error: (error) => c.errors.push(error),
      complete: () => (c.completed = true),
    },
  );
  c.waitFor = (n, ms = 20_000) =>
    until(() => c.events.length >= n, ms, () => `waited for ${n} events, got ${c.events.length}: ${JSON.stringify(c.errors)}`).then(
      () => c.events,
    );
  c.ended = (ms = 20_000) => until(() => c.errors.length > 0 || c.completed, ms, () => 'subscription did not end');
  return c;
}

/** Waits until `check` holds (deadline-bounded polling of observable state; see ../helpers/wait.ts). */
export async function until(check: () => boolean, ms: number, describe: () => string): Promise<void> {
  await waitFor(check, describe, ms);
}

const FIRST_NAMES = ['Amina', 'Baraka', 'Chebet', 'Daudi', 'Eshe', 'Faraji', 'Gathoni', 'Hamisi', 'Imani', 'Jabari'];

/** `n` patients of the organization, inserted directly; returns their global IDs and UUIDs. */
export async function createPatients(app: TestApp, organizationId: string, n: number, prefix: string) {
  const rows = await app.admin<{ id: string }[]>`
    insert into ehr_patients (organization_id, mrn, first_name, last_name, date_of_birth)
    select ${organizationId}, ${prefix} || '-' || lpad(i::text, 5, '0'), (${FIRST_NAMES}::text[])[1 + i % 10], 'Patient' || i,
           date '1970-01-01' + i
    from generate_series(1, ${n}::int) as i
    order by i
    returning id`;
  return rows.map((r) => ({ id: toGlobalId('Patient', r.id), uuid: r.id }));
}

/** An active department inserted directly. */
export async function createDepartment(app: TestApp, organizationId: string, code: string, type = 'OUTPATIENT') {
  const [row] = await app.admin<{ id: string }[]>`
    insert into departments (organization_id, name, code, department_type)
    values (${organizationId}, ${`Department ${code}`}, ${code}, ${type}) returning id`;
  return { id: toGlobalId('Department', row!.id), uuid: row!.id };
}

/** Minutes from now as an ISO instant. */
export const inMinutes = (minutes: number, from = Date.now()) => new Date(from + minutes * 60_000).toISOString();

/**
 * A fixed-offset zone (Etc/GMT±N) in which the wall clock reads about `hour` o'clock right now, so a test can
 * stand at a chosen time of the organization's day ("tonight", "early morning") whatever the time it runs at.
 */
export function zoneWithLocalHour(hour: number, now = new Date()): string {
  let offset = (((hour - now.getUTCHours()) % 24) + 24) % 24;
  if (offset > 14) offset -= 24;
  // Etc/GMT signs are inverted (POSIX): Etc/GMT-3 is UTC+3.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The calendar date at `at` in `timeZone`, YYYY-MM-DD. */
export const dateIn = (timeZone: string, at: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
