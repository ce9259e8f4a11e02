/**
 * First-start demo data for `npm start`: seeds a small synthetic data set into
 * an empty database and returns the demo logins to print.
 */
import type postgres from 'postgres';
import { DEMO_ORGANIZATIONS, DEMO_ROLE_ACCOUNTS, demoLoginsText } from './demo-accounts.js';
import { seedSyntheticData } from './generate.js';

export const DEMO_PATIENTS = 200;

/**
 * Seeds DEMO_PATIENTS patients when the database has no organization yet.
 * Returns the logins text when the demo accounts exist (just seeded, or seeded
 * on an earlier start), null otherwise.
 */
export async function seedIfEmpty(sql: postgres.Sql): Promise<{ loginsText: string } | null> {
  const [organizations] = await sql<{ count: string }[]>`select count(*) as count from organizations`;
  if (Number(organizations?.count ?? 0) === 0) {
    await seedSyntheticData(sql, { patients: DEMO_PATIENTS });
    return { loginsText: demoLoginsText() };
  }
  const adminEmail = `${DEMO_ROLE_ACCOUNTS[0]!.local}@${DEMO_ORGANIZATIONS[0]!.slug}.example`;
  const admins = await sql<{ id: string }[]>`select id from users where email = ${adminEmail}`;
  return admins.length > 0 ? { loginsText: demoLoginsText() } : null;
}
