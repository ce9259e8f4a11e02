/**
 * The background jobs of the application (the kernel's job runner knows no domain): run in the
 * API process when JOBS=in-process (the default), or by `npm run worker` in a process of its own.
 */
import type { AppDeps } from './deps.js';
import { startJobRunner, type JobRunner } from './kernel/jobs.js';
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
    ],
  });
}
