/**
 * Durable background jobs in PostgreSQL (graphile-worker, from graphile-migrate's family): jobs are
 * rows in the `graphile_worker` schema, so they survive restarts and every API or worker process
 * shares them; each job runs in exactly one process. The kernel knows no domain: src/jobs.ts lists
 * the jobs. Recurring jobs (`every`) reschedule themselves under a job key, so however many
 * processes run there is one pending run, every `JOBS_POLL_INTERVAL_MS`.
 *
 * Migration: graphile-worker installs and upgrades its own schema. `migrateJobQueue` runs that with
 * the migration role (MIGRATION_DATABASE_URL) before the API starts, then grants the runtime role
 * (health_app) what the runner needs, so the runtime user never needs CREATE or a superuser.
 */
import { Logger as WorkerLogger, run, runMigrations, type Runner, type Task } from 'graphile-worker';
import postgres from 'postgres';
import type { Logger } from 'pino';
import { APP_ROLE } from './db/tenant-scope.js';

/** A job the runner repeats every poll interval; failures are logged and the next run tries again. */
export interface RecurringJob {
  name: string;
  run(): Promise<void>;
}

export interface JobRunner {
  stop(): Promise<void>;
}

/** Installs or upgrades graphile-worker's schema as the migration role and grants the runtime role its use. */
export async function migrateJobQueue(migrationUrl: string): Promise<void> {
  await runMigrations({ connectionString: migrationUrl, logger: silentLogger });
  const sql = postgres(migrationUrl, { max: 1, onnotice: () => {} });
  try {
    // The runner claims, completes and reschedules jobs: it reads and writes the schema's tables
    // through its functions (security invoker), as the runtime user, a member of health_app.
    // DDL takes no parameters; the only interpolation is the constant role name APP_ROLE.
    await sql.unsafe(`
      grant usage on schema graphile_worker to ${APP_ROLE};
      grant select, insert, update, delete on all tables in schema graphile_worker to ${APP_ROLE};
      grant usage, select on all sequences in schema graphile_worker to ${APP_ROLE};
      grant execute on all functions in schema graphile_worker to ${APP_ROLE};
    `);
    // graphile-worker enables row-level security on its tables with no policy (only their owner
    // passes). They hold the job queue, no tenant's data: the runtime role may use every row.
    await sql.unsafe(`
      do $$
      declare t record;
      begin
        for t in select c.relname from pg_class c
                 where c.relnamespace = 'graphile_worker'::regnamespace and c.relkind = 'r' and c.relrowsecurity
                   and not exists (select 1 from pg_policies p where p.schemaname = 'graphile_worker'
                                   and p.tablename = c.relname and p.policyname = 'job_runner')
        loop
          execute format('create policy job_runner on graphile_worker.%I to ${APP_ROLE} using (true) with check (true)', t.relname);
        end loop;
      end
      $$;
    `);
  } finally {
    await sql.end();
  }
}

/**
 * Starts a runner over `databaseUrl` (the runtime role). Each recurring job is queued once (kept
 * if another process queued it already) and, each time it runs, queues its next run first.
 */
export async function startJobRunner(options: {
  databaseUrl: string;
  pollIntervalMs: number;
  logger: Logger;
  recurring: readonly RecurringJob[];
}): Promise<JobRunner> {
  const { pollIntervalMs, logger } = options;
  const taskList: Record<string, Task> = {};
  for (const job of options.recurring) {
    taskList[job.name] = async (_payload, helpers) => {
      await helpers.addJob(job.name, {}, nextRun(job.name, pollIntervalMs));
      await job.run();
    };
  }
  const runner: Runner = await run({
    connectionString: options.databaseUrl,
    concurrency: 1,
    maxPoolSize: 2,
    pollInterval: pollIntervalMs,
    noHandleSignals: true,
    logger: pinoLogger(logger),
    taskList,
  });
  for (const job of options.recurring) {
    await runner.addJob(job.name, {}, { jobKey: job.name, jobKeyMode: 'preserve_run_at', maxAttempts: 1 });
  }
  return { stop: () => runner.stop() };
}

/** The next run of a recurring job: one job key, one attempt (a failed run is followed by the next anyway). */
const nextRun = (name: string, intervalMs: number) => ({
  jobKey: name,
  jobKeyMode: 'replace' as const,
  runAt: new Date(Date.now() + intervalMs),
  maxAttempts: 1,
});

const silentLogger: WorkerLogger = new WorkerLogger(() => () => {});

/** graphile-worker's log lines into pino: its problems as warnings and errors, its routine (a line per job run) at debug. */
function pinoLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}
