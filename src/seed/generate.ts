/**
 * Deterministic synthetic health-records data, bulk-loaded with COPY.
 *
 * `seedSyntheticData(sql, { patients })` expects a migrated database without
 * the demo organizations (reset first) and a superuser connection (COPY into
 * tables with forced row-level security). Same options (and `now`) ⇒ same
 * rows, UUIDs included. Patients are generated in chunks; each chunk is
 * copied over up to `concurrency` connections while the next chunk is being
 * generated: by a superuser without foreign-key checks and triggers, every
 * table at once, the indexes built after the load (bulk-load.ts); otherwise
 * table by table in foreign-key order.
 */
import type postgres from 'postgres';
import { deferIndexes } from './bulk-load.js';
import { copyInto, createLimiter } from './copy.js';
import { demoPasswordHash, organizationsFor } from './demo-accounts.js';
import { SlotBook, type OrgState } from './org-state.js';
import { generatePatient } from './patient/generate-patient.js';
import { Rng, deriveSeed } from './random.js';
import { setUpOrganization, type OrgContext } from './setup.js';
import { DEPENDS_ON, PATIENT_TABLES, TABLE_ORDER, createBuffers, type Buffers, type TableName } from './tables.js';
import { DAY, MINUTE, iso, isoDate } from './time.js';

export interface SeedOptions {
  /** Patients in total, split across the organizations (60 % / 40 % for two). */
  patients: number;
  /** Organizations (default 2: northwind and southside). */
  organizations?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /**
   * The moment all dates are relative to. Default: the start of the current
   * UTC day, so reruns on the same day give identical rows, except the
   * timestamps of today's outpatient queue, which follow the clock.
   */
  now?: Date;
  /** Patients generated per COPY batch (default 5,000). */
  chunkSize?: number;
  /** Concurrent COPY statements (default 3; bounded by the pool size of `sql`). */
  concurrency?: number;
  /**
   * Build the patient tables' indexes after the load instead of during it (bulk-load.ts; default: from
   * 20,000 patients, below which rebuilding costs more than it saves). Needs a superuser.
   */
  deferIndexes?: boolean;
  log?: (line: string) => void;
}

export interface SeedSummary {
  organizations: number;
  patients: number;
  /** Rows written per table. */
  rows: Record<TableName, number>;
  totalRows: number;
  elapsedMs: number;
}

const MAX_ORGANIZATIONS = 100;
/** From this many patients, secondary indexes are built after the load (below it, a rebuild costs more than it saves). */
const BULK_INDEX_THRESHOLD = 20_000;

function wholeNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Patients per organization: weights 1/(i+2), i.e. 60 % / 40 % for two; the rounding remainder goes to the first. */
export function splitPatients(total: number, organizations: number): number[] {
  const weights = Array.from({ length: organizations }, (_, i) => 1 / (i + 2));
  const sum = weights.reduce((a, w) => a + w, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  counts[0] = counts[0]! + total - counts.reduce((a, c) => a + c, 0);
  return counts;
}

/** Copies batches of buffered rows, each table once the tables it references are committed. */
class Loader {
  readonly rows = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0])) as Record<TableName, number>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly sql: postgres.Sql,
    concurrency: number,
    private readonly skipTriggers: boolean,
  ) {
    this.limit = createLimiter(concurrency);
  }

  private load(buffers: Buffers): Promise<void> {
    const done = new Map<TableName, Promise<void>>();
    for (const table of TABLE_ORDER) {
      const buffer = buffers[table];
      // Without foreign-key checks and triggers nothing needs its parents committed first.
      const deps = this.skipTriggers ? [] : DEPENDS_ON[table].map((d) => done.get(d)!);
      done.set(
        table,
        Promise.all(deps).then(async () => {
          if (buffer.rows === 0) return;
          await this.limit(() => copyInto(this.sql, buffer, { skipTriggers: this.skipTriggers }));
          this.rows[table] += buffer.rows;
        }),
      );
    }
    return Promise.all(done.values()).then(() => undefined);
  }

  /** Starts loading a batch; returns once fewer than `maxInFlight` batches are loading. */
  async submit(buffers: Buffers, maxInFlight: number): Promise<void> {
    this.throwIfFailed();
    const task = this.load(buffers).then(
      () => {
        this.inFlight.delete(task);
      },
      (error: unknown) => {
        this.inFlight.delete(task);
        this.failure ??= { error };
      },
    );
    this.inFlight.add(task);
    while (this.inFlight.size >= maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every started COPY (after a failure), so no connection is left mid-COPY. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

export async function seedSyntheticData(sql: postgres.Sql, options: SeedOptions): Promise<SeedSummary> {
  const startedAt = performance.now();
  const patients = wholeNumber('patients', options.patients, 0, 50_000_000);
  const organizationCount = wholeNumber('organizations', options.organizations ?? 2, 1, MAX_ORGANIZATIONS);
  const seed = wholeNumber('seed', options.seed ?? 1, 0, 2 ** 32 - 1);
  const chunkSize = wholeNumber('chunkSize', options.chunkSize ?? 5_000, 1, 1_000_000);
  const concurrency = wholeNumber('concurrency', options.concurrency ?? 3, 1, 64);
  const log = options.log ?? (() => {});
  const clockMs = options.now?.getTime() ?? Date.now();
  const nowMs = options.now ? clockMs : Math.floor(clockMs / DAY) * DAY;
  const anchorDay = Math.floor(nowMs / DAY);
  const seconds = () => ((performance.now() - startedAt) / 1000).toFixed(1);

  const organizations = organizationsFor(organizationCount);
  const slugs = organizations.map((o) => o.slug);
  const taken = await sql<{ slug: string }[]>`select slug from organizations where slug = any(${slugs})`;
  if (taken.length > 0) {
    throw new Error(
      `organization "${taken[0]!.slug}" already exists: seed an empty database (npm run db:reset first)`,
    );
  }
  const systems = await sql<{ id: string; code: string }[]>`select id, code from body_systems`;
  const bodySystems = new Map(systems.map((s) => [s.code, s.id]));
  const passwordHash = await demoPasswordHash();

  // A superuser loads without foreign-key checks and triggers (see copyInto).
  const [role] = await sql<{ superuser: boolean | null }[]>`select rolsuper as superuser from pg_roles where rolname = current_user`;
  const superuser = role?.superuser === true;
  const loader = new Loader(sql, concurrency, superuser);
  // Built after the load, not maintained through it (bulk-load.ts).
  let buildIndexes: (() => Promise<void>) | null = null;
  try {
    // Organizations, staff, departments, catalog and workflow configuration.
    const setup = createBuffers();
    const contexts: OrgContext[] = organizations.map((org, i) =>
      setUpOrganization(setup, org, i, anchorDay, passwordHash, new Rng(deriveSeed(seed, 'organization', i))),
    );
    await loader.submit(setup, 1);
    log(`seed: ${organizationCount} organizations with staff, departments, catalog and workflows (${seconds()} s)`);
    if (superuser && (options.deferIndexes ?? patients >= BULK_INDEX_THRESHOLD)) buildIndexes = await deferIndexes(sql, PATIENT_TABLES, concurrency);

    // Patients and their records, chunk by chunk.
    const perOrg = splitPatients(patients, organizationCount);
    const states: OrgState[] = contexts.map((ctx, i) => orgState(ctx, perOrg[i]!, seed, anchorDay, nowMs, bodySystems));
    let generated = 0;
    for (let o = 0; o < contexts.length; o++) {
      const state = states[o]!;
      const count = perOrg[o]!;
      for (let from = 0; from < count; from += chunkSize) {
        const to = Math.min(count, from + chunkSize);
        const buffers = createBuffers();
        for (let i = from; i < to; i++) generatePatient(state, buffers, i);
        generated += to - from;
        await loader.submit(buffers, 2);
        log(`seed: ${contexts[o]!.org.slug} ${to.toLocaleString('en-US')}/${count.toLocaleString('en-US')} patients generated, ${generated.toLocaleString('en-US')}/${patients.toLocaleString('en-US')} in total (${seconds()} s)`);
      }
    }
    await loader.drain();

    // Today's outpatient queues and the counters the application continues from.
    const last = createBuffers();
    states.forEach((state, i) => writeQueues(state, last, new Rng(deriveSeed(seed, 'queue', i)), clockMs));
    for (const state of states) {
      const at = iso(nowMs);
      last.tenant_counters.add([state.ctx.id, 'invoice_number', state.nextInvoiceSeq - 1, at, at]);
      last.tenant_counters.add([state.ctx.id, 'mrn', state.nextMrn - 1, at, at]);
    }
    await loader.submit(last, 1);
    await loader.drain();
  } catch (error) {
    await loader.settle();
    await buildIndexes?.().catch(() => {}); // the schema as it was; the load's error is the one reported
    throw error;
  }
  if (buildIndexes) {
    await buildIndexes();
    log(`seed: indexes built (${seconds()} s)`);
  }

  // Fresh statistics: without them the planner misjudges the organization filters
  // (bitmap scans and sorts instead of index-ordered keyset scans) until autovacuum runs.
  await sql`analyze`;
  const totalRows = Object.values(loader.rows).reduce((a, n) => a + n, 0);
  const elapsedMs = Math.round(performance.now() - startedAt);
  log(`seed: ${totalRows.toLocaleString('en-US')} rows in ${seconds()} s`);
  return { organizations: organizationCount, patients, rows: loader.rows, totalRows, elapsedMs };
}

function orgState(
  ctx: OrgContext,
  patients: number,
  seed: number,
  anchorDay: number,
  nowMs: number,
  bodySystems: ReadonlyMap<string, string>,
): OrgState {
  // Appointment calendars sized so that about 60 % of the slots get used (at least 3 years back, 30 days ahead).
  const capacityPerWeekday = ctx.physicians.length * SlotBook.PER_DAY;
  const calendarDays = (appointments: number) => Math.ceil(((appointments / 0.6) / capacityPerWeekday) * (7 / 5));
  const pastDays = Math.max(3 * 365, calendarDays(patients * 0.75));
  const futureDays = Math.min(3 * 365, Math.max(30, calendarDays(patients * 0.3)));
  return {
    ctx,
    rng: new Rng(deriveSeed(seed, 'patients', ctx.index)),
    anchorDay,
    nowMs,
    bodySystems,
    pastSlots: new SlotBook(SlotBook.weekdays(anchorDay - pastDays, anchorDay - 1), ctx.physicians.length),
    futureSlots: new SlotBook(SlotBook.weekdays(anchorDay + 1, anchorDay + futureDays), ctx.physicians.length),
    nextMrn: 1,
    nextInvoiceSeq: 1,
    labInstances: 0,
    activeLabInstances: 0,
    queueCandidates: [],
    generated: 0,
  };
}

/** Today's (organization-local) queue of every outpatient department: done, in consultation, called, waiting. */
function writeQueues(state: OrgState, b: Buffers, rng: Rng, nowMs: number): void {
  const { ctx } = state;
  const today = ctx.clock.localDay(nowMs);
  const minutesToday = ctx.clock.localMinuteOfDay(nowMs);
  const active = state.queueCandidates.filter((c) => c.active);
  for (const department of ctx.outpatientDepartments) {
    const suitable = active.filter((c) => (department.code === 'PEDS' ? c.age < 18 : c.age >= 18));
    const pool = suitable.length >= 3 ? suitable : active;
    const n = Math.min(pool.length, rng.between(8, 20));
    if (n === 0) continue;
    const picks = rng.sample(pool, n);
    const step = Math.max(1, Math.min(12, Math.floor(minutesToday / (n + 1)))) * MINUTE;
    const done = Math.floor(n * 0.45);
    picks.forEach((patient, k) => {
      const enqueuedAt = nowMs - (n - k) * step;
      const status =
        k < done ? (rng.chance(0.08) ? 'LEFT' : 'DONE') : k === done ? 'IN_CONSULTATION' : k === done + 1 ? 'CALLED' : 'WAITING';
      // Each step happens after the previous one and not after now.
      const after = (previous: number, minutes: number) => Math.max(previous, Math.min(nowMs, previous + minutes * MINUTE));
      const calledAt = status === 'WAITING' || status === 'LEFT' ? null : after(enqueuedAt, rng.between(3, 20));
      const startedAt = calledAt !== null && (status === 'DONE' || status === 'IN_CONSULTATION') ? after(calledAt, rng.between(1, 3)) : null;
      const completedAt = status === 'DONE' && startedAt !== null ? after(startedAt, rng.between(5, 15)) : null;
      const leftAt = status === 'LEFT' ? after(enqueuedAt, rng.between(10, 40)) : null;
      const updated = leftAt ?? completedAt ?? startedAt ?? calledAt ?? enqueuedAt;
      b.opd_queue.add([
        ctx.id, rng.uuid(), department.id, isoDate(today), k + 1, patient.id, null,
        rng.weighted(['NORMAL', 'URGENT', 'EMERGENCY'], [85, 11, 4]), status, iso(enqueuedAt),
        calledAt === null ? null : iso(calledAt), calledAt === null ? null : rng.pick(ctx.physicians).id,
        startedAt === null ? null : iso(startedAt), completedAt === null ? null : iso(completedAt),
        leftAt === null ? null : iso(leftAt),
        rng.chance(0.1) ? rng.pick(['Wheelchair assistance', 'Needs interpreter', 'Fasting since midnight']) : null,
        iso(enqueuedAt), iso(updated),
      ]);
    });
  }
}
