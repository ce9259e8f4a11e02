import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import { badInput, conflict, fromDatabaseError } from '../kernel/errors.js';
import { afterWrite } from '../kernel/loaders.js';
import { matching, optionalText, requiredText } from '../kernel/validation.js';
import * as repo from './catalog-repository.js';
import { formatMoney, money, rateToDatabase, taxRatePercent } from './money.js';

const CODE = /^[A-Z0-9][A-Z0-9._-]{0,49}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** Constraint failures of catalog writes, as messages that name the input. */
const CATALOG_CONSTRAINTS = {
  service_catalog_code_unique: () => conflict('This code is already used by another catalog item', { field: 'code' }),
  service_catalog_organization_id_department_id_fkey: () =>
    badInput('departmentId is not a department of your organization', 'departmentId'),
};

const code = (value: string) =>
  matching(requiredText(value, 'code', 50).toUpperCase(), 'code', CODE, '1–50 letters, digits, dots, dashes or underscores')!;

export interface CatalogItemInput {
  code: string;
  name: string;
  description?: string | null;
  category: string;
  departmentId?: string | null;
  unitPrice: string;
  taxRatePercent?: string | null;
  currency?: string | null;
}

export async function createCatalogItem(ctx: TenantContext, input: CatalogItemInput): Promise<repo.ServiceCatalogItemRow> {
  const requested = input.currency ? matching(input.currency.trim().toUpperCase(), 'currency', CURRENCY, 'an ISO 4217 code such as KES')! : null;
  const fields: Omit<repo.CatalogFields, 'currency'> = {
    code: code(input.code),
    name: requiredText(input.name, 'name', 200),
    description: optionalText(input.description, 'description', 2000) ?? null,
    category: input.category,
    departmentId: input.departmentId ?? null,
    unitPrice: formatMoney(money(input.unitPrice, 'unitPrice', { allowZero: true })),
    taxRate: rateToDatabase(taxRatePercent(input.taxRatePercent ?? '0', 'taxRatePercent')),
    active: true,
  };
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    // One billing currency per organization: invoices, balances and reports add amounts up.
    const current = await repo.lockCatalogCurrency(tx, scope.organizationId);
    if (requested && current && requested !== current) {
      throw badInput(`Your organization bills in ${current}; every catalog item must use it`, 'currency', { currency: current });
    }
    const item = await repo
      .insertCatalogItem(tx, scope.organizationId, { ...fields, currency: requested ?? current ?? 'USD' })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, CATALOG_CONSTRAINTS)));
    audit({ action: 'service_catalog.create', entityType: 'service_catalog', entityId: item.id, after: item });
    return item;
  });
  return afterWrite(write, (item) => ctx.loaders.billingWritten({ catalogItems: [item] }));
}

export interface CatalogItemChanges {
  code?: string | null;
  name?: string | null;
  description?: string | null;
  category?: string | null;
  departmentId?: string | null;
  unitPrice?: string | null;
  taxRatePercent?: string | null;
  active?: boolean | null;
}

/** Validates the given changes; null on a required field is refused. */
function cleanChanges(c: CatalogItemChanges): Partial<repo.CatalogFields> {
  const out: Partial<repo.CatalogFields> = {};
  const required = (field: keyof CatalogItemChanges) => {
    if (c[field] === null) throw badInput(`${field} cannot be cleared`, field);
    return c[field] !== undefined;
  };
  if (required('code')) out.code = code(c.code!);
  if (required('name')) out.name = requiredText(c.name!, 'name', 200);
  if (c.description !== undefined) out.description = optionalText(c.description, 'description', 2000) ?? null;
  if (required('category')) out.category = c.category!;
  if (c.departmentId !== undefined) out.departmentId = c.departmentId;
  if (required('unitPrice')) out.unitPrice = formatMoney(money(c.unitPrice!, 'unitPrice', { allowZero: true }));
  if (required('taxRatePercent')) out.taxRate = rateToDatabase(taxRatePercent(c.taxRatePercent!, 'taxRatePercent'));
  if (required('active')) out.active = c.active!;
  return out;
}

/** Changes a catalog item at the version the client read. Invoice lines keep their copied price and tax. */
export async function updateCatalogItem(
  ctx: TenantContext,
  id: string,
  version: number,
  changes: CatalogItemChanges,
  action: 'update' | 'deactivate' = 'update',
): Promise<repo.ServiceCatalogItemRow> {
  const clean = cleanChanges(changes);
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await repo.lockCatalogItem(tx, scope.organizationId, id), version, 'ServiceCatalogItem', id);
    const after = await repo
      .updateCatalogItemRow(tx, { ...before, ...clean })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, CATALOG_CONSTRAINTS)));
    audit({ action: `service_catalog.${action}`, entityType: 'service_catalog', entityId: id, ...changedFields(before, after) });
    return after;
  });
  return afterWrite(write, (after) => ctx.loaders.billingWritten({ catalogItems: [after] }));
}

/** Turns free text into an ILIKE pattern matching it anywhere. */
export function containsPattern(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? `%${trimmed.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}
