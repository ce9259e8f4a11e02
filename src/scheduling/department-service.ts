import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import { badInput, conflict, fromDatabaseError } from '../kernel/errors.js';
import { matching, optionalText, requiredText } from '../kernel/validation.js';
import * as repo from './department-repository.js';

const CODE = /^[A-Z0-9][A-Z0-9_-]{0,49}$/;
const PHONE = /^[+0-9 ().-]{3,40}$/;

const codeTaken = () => conflict('Another department of your organization already uses this code', { field: 'code' });

const CONSTRAINTS = { departments_code_unique: codeTaken };

export interface DepartmentInput {
  name?: string | null;
  code?: string | null;
  departmentType?: string | null;
  description?: string | null;
  location?: string | null;
  phone?: string | null;
}

/** Validates the given fields; absent stays absent, null clears an optional one. */
function cleanFields(input: DepartmentInput): Partial<repo.DepartmentFields> {
  const out: Partial<repo.DepartmentFields> = {};
  if (input.name !== undefined) out.name = requiredText(input.name ?? '', 'name', 200);
  if (input.code !== undefined) {
    out.code = matching(requiredText(input.code ?? '', 'code', 50).toUpperCase(), 'code', CODE, 'upper-case letters, digits, _ or -')!;
  }
  if (input.departmentType !== undefined) {
    if (input.departmentType === null) throw badInput('departmentType cannot be cleared', 'departmentType');
    out.departmentType = input.departmentType;
  }
  const description = optionalText(input.description, 'description', 2000);
  if (description !== undefined) out.description = description;
  const location = optionalText(input.location, 'location', 200);
  if (location !== undefined) out.location = location;
  const phone = matching(optionalText(input.phone, 'phone', 40), 'phone', PHONE, 'a phone number (digits, spaces, + ( ) . -)');
  if (phone !== undefined) out.phone = phone;
  return out;
}

export async function createDepartment(
  ctx: TenantContext,
  input: DepartmentInput & { name: string; code: string; departmentType: string },
): Promise<repo.DepartmentRow> {
  const fields: repo.DepartmentFields = { description: null, location: null, phone: null, ...cleanFields(input) } as repo.DepartmentFields;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const department = await repo
      .insertDepartment(tx, scope.organizationId, fields)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, CONSTRAINTS)));
    audit({ action: 'department.create', entityType: 'department', entityId: department.id, after: department });
    return department;
  });
}

export async function updateDepartment(
  ctx: TenantContext,
  id: string,
  version: number,
  changes: DepartmentInput & { active?: boolean | null },
): Promise<repo.DepartmentRow> {
  const clean = cleanFields(changes);
  if (changes.active === null) throw badInput('active must be true or false', 'active');
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await repo.lockDepartment(tx, scope.organizationId, id), version, 'Department', id);
    const next = { ...before, ...clean, active: changes.active ?? before.active };
    const after = await repo.updateDepartmentRow(tx, next).catch((e: unknown) => Promise.reject(fromDatabaseError(e, CONSTRAINTS)));
    const action = before.active !== after.active ? (after.active ? 'department.reactivate' : 'department.deactivate') : 'department.update';
    audit({ action, entityType: 'department', entityId: id, ...changedFields(before, after) });
    return after;
  });
}
