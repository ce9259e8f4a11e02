import type { TransactionSql } from '../kernel/db/pool.js';

/**
 * One row of the critical-limit table as in effect for an organization: the global default
 * (`lab_critical_limits`) joined with the organization's override, if any. Numeric columns
 * arrive as exact decimal strings.
 */
export interface LabCriticalLimitRow {
  analyteKey: string;
  unit: string;
  analyteName: string;
  loincCodes: string[];
  names: string[];
  unitAliases: string[];
  criticalLow: string | null;
  criticalHigh: string | null;
  defaultLow: string | null;
  defaultHigh: string | null;
  source: string;
  overridden: boolean;
  version: number | null;
  updatedAt: Date | null;
}

/** The whole table in effect for the organization, by analyte and unit. */
export async function labCriticalLimits(tx: TransactionSql, organizationId: string): Promise<LabCriticalLimitRow[]> {
  return tx<LabCriticalLimitRow[]>`
    /* labCriticalLimits */
    select l.analyte_key, l.unit, l.analyte_name, l.loinc_codes, l.names, l.unit_aliases,
           case when o.analyte_key is null then l.critical_low else o.critical_low end::text as critical_low,
           case when o.analyte_key is null then l.critical_high else o.critical_high end::text as critical_high,
           l.critical_low::text as default_low, l.critical_high::text as default_high, l.source,
           o.analyte_key is not null as overridden, o.version, o.updated_at
    from lab_critical_limits l
    left join organization_lab_critical_limits o
      on o.organization_id = ${organizationId}::uuid and o.analyte_key = l.analyte_key and o.unit = l.unit
    order by l.analyte_key, l.unit
  `;
}

/** One row of the table in effect, or null when the analyte and unit are not in the table. */
export async function labCriticalLimit(
  tx: TransactionSql,
  organizationId: string,
  analyteKey: string,
  unit: string,
): Promise<LabCriticalLimitRow | null> {
  const rows = await tx<LabCriticalLimitRow[]>`
    /* labCriticalLimit */
    select l.analyte_key, l.unit, l.analyte_name, l.loinc_codes, l.names, l.unit_aliases,
           case when o.analyte_key is null then l.critical_low else o.critical_low end::text as critical_low,
           case when o.analyte_key is null then l.critical_high else o.critical_high end::text as critical_high,
           l.critical_low::text as default_low, l.critical_high::text as default_high, l.source,
           o.analyte_key is not null as overridden, o.version, o.updated_at
    from lab_critical_limits l
    left join organization_lab_critical_limits o
      on o.organization_id = ${organizationId}::uuid and o.analyte_key = l.analyte_key and o.unit = l.unit
    where l.analyte_key = ${analyteKey}::text and l.unit = ${unit}::text
  `;
  return rows[0] ?? null;
}

/** The rows in effect that a result's analyte matches: by LOINC code or by normalized name (GIN-indexed). */
export async function criticalLimitsOfAnalyte(
  tx: TransactionSql,
  organizationId: string,
  analyteCode: string | null,
  normalizedName: string,
): Promise<(LabCriticalLimitRow & { matchedByCode: boolean })[]> {
  return tx<(LabCriticalLimitRow & { matchedByCode: boolean })[]>`
    /* criticalLimitsOfAnalyte */
    select l.analyte_key, l.unit, l.analyte_name, l.loinc_codes, l.names, l.unit_aliases,
           case when o.analyte_key is null then l.critical_low else o.critical_low end::text as critical_low,
           case when o.analyte_key is null then l.critical_high else o.critical_high end::text as critical_high,
           l.critical_low::text as default_low, l.critical_high::text as default_high, l.source,
           o.analyte_key is not null as overridden, o.version, o.updated_at,
           coalesce(l.loinc_codes @> array[${analyteCode}::text], false) as matched_by_code
    from lab_critical_limits l
    left join organization_lab_critical_limits o
      on o.organization_id = ${organizationId}::uuid and o.analyte_key = l.analyte_key and o.unit = l.unit
    where l.loinc_codes @> array[${analyteCode}::text] or l.names @> array[${normalizedName}::text]
    order by l.analyte_key, l.unit
  `;
}

/** Creates or replaces the organization's override (at `version` when given: 0 rows when stale). */
export async function upsertCriticalLimitOverride(
  tx: TransactionSql,
  organizationId: string,
  o: { analyteKey: string; unit: string; criticalLow: string | null; criticalHigh: string | null; updatedBy: string; version: number | null },
): Promise<number> {
  const rows = await tx<{ version: number }[]>`
    /* upsertCriticalLimitOverride */
    insert into organization_lab_critical_limits (organization_id, analyte_key, unit, critical_low, critical_high, updated_by)
    values (${organizationId}::uuid, ${o.analyteKey}::text, ${o.unit}::text, ${o.criticalLow}::numeric, ${o.criticalHigh}::numeric,
            ${o.updatedBy}::uuid)
    on conflict (organization_id, analyte_key, unit) do update
      set critical_low = excluded.critical_low, critical_high = excluded.critical_high, updated_by = excluded.updated_by,
          version = organization_lab_critical_limits.version + 1
      where ${o.version}::int is null or organization_lab_critical_limits.version = ${o.version}::int
    returning version
  `;
  return rows.length;
}

/** Removes the organization's override at `version`; the number of rows removed (0: missing or stale). */
export async function deleteCriticalLimitOverride(
  tx: TransactionSql,
  organizationId: string,
  analyteKey: string,
  unit: string,
  version: number,
): Promise<number> {
  const rows = await tx<{ unit: string }[]>`
    /* deleteCriticalLimitOverride */
    delete from organization_lab_critical_limits
    where organization_id = ${organizationId}::uuid and analyte_key = ${analyteKey}::text and unit = ${unit}::text
      and version = ${version}::int
    returning unit
  `;
  return rows.length;
}
