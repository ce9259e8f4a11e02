/**
 * The background jobs of the application (the kernel's job runner knows no domain): escalation of
 * overdue workflow tasks and the log partitions of the coming months. Run in the
 * API process when JOBS=in-process (the default), or by `npm run worker` in a process of its own.
 */
import type { AppDeps } from './deps.js';
import { startJobRunner, type JobRunner } from './kernel/jobs.js';
import { ensureLogPartitions } from './kernel/log-partitions.js';
import { escalateOverdueTasks } from './workflows/escalation-service.js';

export function startJobs(deps: AppDeps, databaseUrl: string): Promise<JobRunner> {
  return startJobRunner({
    databaseUrl,
    pollIntervalMs: deps.config.jobsPollIntervalMs,
    logger: deps.logger.child({ component: 'jobs' }),
    recurring: [
      {
        name: 'workflow_task_escalation',
        run: async () => {
          await escalateOverdueTasks(deps);
        },
      },
      {
        // The audit and PHI access logs' partitions of the coming months: a catalog lookup per
        // month when they exist (every run), so a month never starts without its partition.
        name: 'log_partitions_ahead',
        run: async () => {
          const made = await ensureLogPartitions(deps.db.sql, deps.config.logPartitionMonthsAhead);
          if (made > 0) deps.logger.info({ made }, 'log partitions made ahead');
        },
      },
    ],
  });
}
