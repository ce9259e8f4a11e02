import type { TransactionSql } from '../kernel/db/pool.js';

interface ConfigRecord {
  defaultTaskDueHours: number;
  escalationEnabled: boolean;
  escalationAfterHours: number | null;
  settings: string | null;
  updatedAt: Date;
  version: number;
}

/** The organization's `workflow_config` row, or the defaults (version 0) before the first update. */
export interface ConfigRow {
  defaultTaskDueHours: number;
  escalationEnabled: boolean;
  escalationAfterHours: number | null;
  settings: Record<string, unknown>;
  updatedAt: Date | null;
  version: number;
}

export const DEFAULT_CONFIG: ConfigRow = {
  defaultTaskDueHours: 24,
  escalationEnabled: false,
  escalationAfterHours: null,
  settings: {},
  updatedAt: null,
  version: 0,
};

/** What a plain SELECT returns: the cast JSON column is known NOT NULL there (not in RETURNING). */
type Selected = Omit<ConfigRecord, 'settings'> & { settings: string };

const toConfig = (r: ConfigRecord): ConfigRow => ({ ...r, settings: JSON.parse(r.settings ?? '{}') as Record<string, unknown> });

export async function configOf(tx: TransactionSql, organizationId: string, lock = false): Promise<ConfigRow> {
  const rows = lock
    ? await tx<Selected[]>`
        /* configOf */
        select default_task_due_hours, escalation_enabled, escalation_after_hours, settings::text as settings, updated_at, version
        from workflow_config where organization_id = ${organizationId}::uuid
        for update
      `
    : await tx<Selected[]>`
        /* configOf */
        select default_task_due_hours, escalation_enabled, escalation_after_hours, settings::text as settings, updated_at, version
        from workflow_config where organization_id = ${organizationId}::uuid
      `;
  return rows[0] ? toConfig(rows[0]) : DEFAULT_CONFIG;
}

/** Inserts the first config row; a concurrent first insert violates workflow_config_one_per_org. */
export async function insertConfig(tx: TransactionSql, organizationId: string, c: ConfigRow): Promise<ConfigRow> {
  const rows = await tx<ConfigRecord[]>`
    /* insertConfig */
    insert into workflow_config (organization_id, settings, default_task_due_hours, escalation_enabled, escalation_after_hours)
    values (${organizationId}::uuid, ${JSON.stringify(c.settings)}::text::jsonb, ${c.defaultTaskDueHours}::int,
            ${c.escalationEnabled}::boolean, ${c.escalationAfterHours}::int)
    returning default_task_due_hours, escalation_enabled, escalation_after_hours, settings::text as settings, updated_at, version
  `;
  return toConfig(rows[0]!);
}

export async function updateConfig(tx: TransactionSql, organizationId: string, c: ConfigRow): Promise<ConfigRow> {
  const rows = await tx<ConfigRecord[]>`
    /* updateConfig */
    update workflow_config set settings = ${JSON.stringify(c.settings)}::text::jsonb,
           default_task_due_hours = ${c.defaultTaskDueHours}::int, escalation_enabled = ${c.escalationEnabled}::boolean,
           escalation_after_hours = ${c.escalationAfterHours}::int, version = version + 1
    where organization_id = ${organizationId}::uuid and version = ${c.version}::int
    returning default_task_due_hours, escalation_enabled, escalation_after_hours, settings::text as settings, updated_at, version
  `;
  return toConfig(rows[0]!);
}
