import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';
import { keysetList } from '../kernel/root-list.js';

/** One row of `departments`. */
export interface DepartmentRow extends RowStamps {
  id: string;
  organizationId: string;
  name: string;
  code: string;
  description: string | null;
  departmentType: string;
  location: string | null;
  phone: string | null;
  active: boolean;
}

/** The editable columns. */
export type DepartmentFields = Pick<DepartmentRow, 'name' | 'code' | 'description' | 'departmentType' | 'location' | 'phone'>;

export interface DepartmentListFilter {
  active: boolean | null;
  types: string[] | null;
}

export function departmentsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<DepartmentRow[]> {
  return tx<DepartmentRow[]>`
    /* departmentsByIds */
    select id, organization_id, name, code, description, department_type, location, phone, active, created_at,
           updated_at, version
    from departments
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

/** Departments matching the filter: `departmentList` pages them by (name, id) over `departments_org_name_idx` and counts them. */
function matchingDepartments(tx: TransactionSql, organizationId: string, f: DepartmentListFilter): PendingQuery<DepartmentRow[]> {
  return tx<DepartmentRow[]>`
    /* matchingDepartments */
    select d.id, d.organization_id, d.name, d.code, d.description, d.department_type, d.location, d.phone, d.active,
           d.created_at, d.updated_at, d.version
    from departments d
    where d.organization_id = ${organizationId}::uuid
      and (${f.active}::boolean is null or d.active = ${f.active}::boolean)
      and (${f.types}::text[] is null or d.department_type = any(${f.types}::text[]))
  `;
}

export async function insertDepartment(tx: TransactionSql, organizationId: string, f: DepartmentFields): Promise<DepartmentRow> {
  const rows = await tx<DepartmentRow[]>`
    /* insertDepartment */
    insert into departments (organization_id, name, code, description, department_type, location, phone)
    values (${organizationId}::uuid, ${f.name}, ${f.code}, ${f.description}, ${f.departmentType}, ${f.location}, ${f.phone})
    returning id, organization_id, name, code, description, department_type, location, phone, active, created_at,
              updated_at, version
  `;
  return rows[0]!;
}

export function lockDepartment(tx: TransactionSql, organizationId: string, id: string): Promise<DepartmentRow | null> {
  return lockedRow(tx, 'lockDepartment', departmentsByIds(tx, organizationId, [id]));
}

/**
 * The department a booking or queue entry refers to, share-locked so it cannot
 * be deactivated until this transaction ends.
 */
export async function departmentForUse(tx: TransactionSql, organizationId: string, id: string): Promise<DepartmentRow | null> {
  const rows = await tx<DepartmentRow[]>`
    /* departmentForUse */
    select id, organization_id, name, code, description, department_type, location, phone, active, created_at,
           updated_at, version
    from departments
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    for share
  `;
  return rows[0] ?? null;
}

export async function updateDepartmentRow(tx: TransactionSql, d: DepartmentRow): Promise<DepartmentRow> {
  const rows = await tx<DepartmentRow[]>`
    /* updateDepartmentRow */
    update departments set name = ${d.name}, code = ${d.code}, description = ${d.description},
           department_type = ${d.departmentType}, location = ${d.location}, phone = ${d.phone}, active = ${d.active},
           version = version + 1
    where organization_id = ${d.organizationId}::uuid and id = ${d.id}::uuid and version = ${d.version}::int
    returning id, organization_id, name, code, description, department_type, location, phone, active, created_at,
              updated_at, version
  `;
  return rows[0]!;
}

/** `Query.departments`: by name. */
export const departmentList = keysetList('departments:name', matchingDepartments, { column: 'name', type: 'text', order: 'asc' }, (d) => [d.name, d.id]);
