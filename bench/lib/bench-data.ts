/**
 * Rows the benchmark scenarios need that the synthetic seed has too few of:
 * the seed opens nurse tasks only for lab orders still awaiting collection (a
 * handful), so a nurse's task inbox would be near empty. Deterministic (ids
 * and times derive from the workflow instances), added after seeding.
 */
import type { Sql } from 'postgres';

/** Open "check specimen labelling" tasks for the NURSE role on each organization's 300 latest workflow instances. */
export async function addNurseInbox(sql: Sql): Promise<number> {
  const rows = await sql`
    insert into workflow_tasks (organization_id, id, instance_id, name, description, assigned_role, priority, status,
                                due_at, created_at, updated_at)
    select i.organization_id, md5('bench-nurse-task:' || i.id::text)::uuid, i.id, 'Check specimen labelling',
           'Confirm the specimen label matches the order before it leaves the ward.', 'NURSE',
           case when i.started_at < now() - interval '7 days' then 'NORMAL' else 'HIGH' end, 'OPEN',
           i.started_at + interval '1 day 30 minutes', i.started_at + interval '30 minutes', i.started_at + interval '30 minutes'
    from (select wi.*, row_number() over (partition by wi.organization_id order by wi.started_at desc, wi.id) as n
          from workflow_instances wi) i
    where i.n <= 300
    returning 1
  `;
  return rows.length;
}
