import type { TransactionSql } from '../kernel/db/pool.js';

/**
 * Organizations as the operator creates and finds them (the admin CLI, as the
 * database owner: the API's roles may read and rename organizations, never create them).
 */
export interface NewOrganization {
  id: string;
  name: string;
  slug: string;
  timezone: string;
}

export async function insertOrganization(tx: TransactionSql, organization: NewOrganization): Promise<OrganizationRow> {
  const rows = await tx<OrganizationRow[]>`
    /* insertOrganization */
    insert into organizations (id, name, slug, timezone)
    values (${organization.id}::uuid, ${organization.name}, ${organization.slug}, ${organization.timezone})
    returning id, name, slug, timezone
  `;
  return rows[0]!;
}

/** Any organization by its slug (the operator's lookup: runs outside every tenant scope). */
export async function organizationBySlug(tx: TransactionSql, slug: string): Promise<OrganizationRow | null> {
  const rows = await tx<OrganizationRow[]>`
    /* organizationBySlug */
    select id, name, slug, timezone from organizations where slug = ${slug}
  `;
  return rows[0] ?? null;
}

/** Whether the connected role sees every organization's rows (superuser or BYPASSRLS), as the admin CLI needs. */
export async function roleSeesEveryOrganization(tx: TransactionSql): Promise<boolean> {
  const rows = await tx<{ bypasses: boolean }[]>`
    /* roleSeesEveryOrganization */
    select (rolsuper or rolbypassrls) as bypasses from pg_roles where rolname = current_user
  `;
  return rows[0]?.bypasses === true;
}

export interface OrganizationRow {
  id: string;
  name: string;
  slug: string;
  timezone: string;
}

export async function organizationsByIds(tx: TransactionSql, ids: readonly string[]): Promise<OrganizationRow[]> {
  return tx<OrganizationRow[]>`
    /* organizationsByIds */
    select id, name, slug, timezone from organizations where id = any(${ids as string[]}::uuid[])
  `;
}

/** Every active organization (background jobs visit each; read in the sign-in scope, which may list them). */
export async function activeOrganizationIds(tx: TransactionSql): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    /* activeOrganizationIds */
    select id from organizations where active order by id
  `;
  return rows.map((r) => r.id);
}
