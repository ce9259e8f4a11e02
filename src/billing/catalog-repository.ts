import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { keysetList } from '../kernel/root-list.js';

/** One row of `service_catalog`; money and rates as exact database text. */
export interface ServiceCatalogItemRow extends RowStamps {
  id: string;
  organizationId: string;
  code: string;
  name: string;
  description: string | null;
  category: string;
  departmentId: string | null;
  /** numeric(12,2) text, e.g. "1500.00". */
  unitPrice: string;
  /** numeric(5,4) fraction text, e.g. "0.1600". */
  taxRate: string;
  currency: string;
  active: boolean;
}

/** The writable columns. */
export type CatalogFields = Pick<
  ServiceCatalogItemRow,
  'code' | 'name' | 'description' | 'category' | 'departmentId' | 'unitPrice' | 'taxRate' | 'currency' | 'active'
>;

export interface CatalogListFilter {
  /** An ILIKE pattern such as `%cons%`. */
  pattern: string | null;
  categories: string[] | null;
  active: boolean | null;
}

export function catalogItemsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<ServiceCatalogItemRow[]> {
  return tx<ServiceCatalogItemRow[]>`
    /* catalogItemsByIds */
    select id, organization_id, code, name, description, category, department_id, unit_price, tax_rate, currency, active,
           created_at, updated_at, version
    from service_catalog
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

/** Catalog items matching the filter: `catalogList` pages them by (name, id) and counts them. */
function matchingCatalogItems(tx: TransactionSql, organizationId: string, f: CatalogListFilter): PendingQuery<ServiceCatalogItemRow[]> {
  return tx<ServiceCatalogItemRow[]>`
    /* matchingCatalogItems */
    select id, organization_id, code, name, description, category, department_id, unit_price, tax_rate, currency, active,
           created_at, updated_at, version
    from service_catalog
    where organization_id = ${organizationId}::uuid
      and (${f.pattern}::text is null or name ilike ${f.pattern}::text or code ilike ${f.pattern}::text)
      and (${f.categories}::text[] is null or category = any(${f.categories}::text[]))
      and (${f.active}::boolean is null or active = ${f.active}::boolean)
  `;
}

/**
 * The organization's billing currency: the one its catalog uses (null while
 * the catalog is empty). Takes a transaction-scoped advisory lock first, so two
 * first items in different currencies cannot both be created.
 */
export async function lockCatalogCurrency(tx: TransactionSql, organizationId: string): Promise<string | null> {
  const rows = await tx<{ currency: string | null }[]>`
    /* lockCatalogCurrency */
    with lock as (select pg_advisory_xact_lock(hashtextextended('billing-currency:' || ${organizationId}::text, 0)))
    select (select currency from service_catalog where organization_id = ${organizationId}::uuid limit 1)::text as currency
    from lock
  `;
  return rows[0]?.currency ?? null;
}

export async function insertCatalogItem(tx: TransactionSql, organizationId: string, f: CatalogFields): Promise<ServiceCatalogItemRow> {
  const rows = await tx<ServiceCatalogItemRow[]>`
    /* insertCatalogItem */
    insert into service_catalog (organization_id, code, name, description, category, department_id, unit_price, tax_rate,
                                 currency, active)
    values (${organizationId}::uuid, ${f.code}, ${f.name}, ${f.description}, ${f.category}, ${f.departmentId}::uuid,
            ${f.unitPrice}::numeric, ${f.taxRate}::numeric, ${f.currency}, ${f.active})
    returning id, organization_id, code, name, description, category, department_id, unit_price, tax_rate, currency, active,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

export function lockCatalogItem(tx: TransactionSql, organizationId: string, id: string): Promise<ServiceCatalogItemRow | null> {
  return lockedRow(tx, 'lockCatalogItem', catalogItemsByIds(tx, organizationId, [id]));
}

/** Writes every mutable column of a locked item and bumps its version. */
export async function updateCatalogItemRow(tx: TransactionSql, item: ServiceCatalogItemRow): Promise<ServiceCatalogItemRow> {
  const rows = await tx<ServiceCatalogItemRow[]>`
    /* updateCatalogItemRow */
    update service_catalog set
      code = ${item.code}, name = ${item.name}, description = ${item.description}, category = ${item.category},
      department_id = ${item.departmentId}::uuid, unit_price = ${item.unitPrice}::numeric, tax_rate = ${item.taxRate}::numeric,
      active = ${item.active}, version = version + 1
    where organization_id = ${item.organizationId}::uuid and id = ${item.id}::uuid and version = ${item.version}::int
    returning id, organization_id, code, name, description, category, department_id, unit_price, tax_rate, currency, active,
              created_at, updated_at, version
  `;
  return rows[0]!;
}

/** `Query.serviceCatalog`: by name. */
export const catalogList = keysetList('serviceCatalog:name', matchingCatalogItems, { column: 'name', type: 'text', order: 'asc' }, (i) => [i.name, i.id]);
