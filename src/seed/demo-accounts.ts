/**
 * Demo organizations and logins of the synthetic data set (used by the seeder,
 * by `npm start` to print the logins, and by tests). Every demo account,
 * including the extra physicians and nurses, has the password DEMO_PASSWORD.
 */
import { hash, type Algorithm } from '@node-rs/argon2';

export const DEMO_PASSWORD = 'demo-password-2026';

export type DemoRole = 'ORG_ADMIN' | 'PHYSICIAN' | 'NURSE' | 'FRONT_DESK' | 'BILLING' | 'ANALYST';

export interface DemoOrganization {
  slug: string;
  name: string;
  timezone: string;
}

/** The two organizations always created (the first two of any seed). */
export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  { slug: 'northwind', name: 'Northwind General Hospital', timezone: 'America/New_York' },
  { slug: 'southside', name: 'Southside Community Clinic', timezone: 'America/Chicago' },
];

/** Further organizations when more are asked for (`--organizations N`). */
const EXTRA_ORGANIZATIONS: readonly DemoOrganization[] = [
  { slug: 'lakeside', name: 'Lakeside Regional Medical Center', timezone: 'America/Los_Angeles' },
  { slug: 'riverbend', name: 'Riverbend Family Practice', timezone: 'America/Chicago' },
  { slug: 'hillcrest', name: "Hillcrest Children's Hospital", timezone: 'America/New_York' },
  { slug: 'desert-bloom', name: 'Desert Bloom Health Center', timezone: 'America/Phoenix' },
  { slug: 'harborview', name: 'Harborview Medical Group', timezone: 'America/Los_Angeles' },
  { slug: 'meadowbrook', name: 'Meadowbrook Community Health', timezone: 'America/Denver' },
];

/** The first `count` organizations: the two demo ones, then extras (`clinic-N` beyond the named ones). */
export function organizationsFor(count: number): DemoOrganization[] {
  const all = [...DEMO_ORGANIZATIONS, ...EXTRA_ORGANIZATIONS];
  const result: DemoOrganization[] = [];
  for (let i = 0; i < count; i++) {
    result.push(
      all[i] ?? { slug: `clinic-${i + 1}`, name: `Community Clinic ${i + 1}`, timezone: 'America/New_York' },
    );
  }
  return result;
}

/** One account per role; the e-mail is `<local>@<slug>.example`. */
export const DEMO_ROLE_ACCOUNTS: readonly { local: string; role: DemoRole }[] = [
  { local: 'admin', role: 'ORG_ADMIN' },
  { local: 'physician', role: 'PHYSICIAN' },
  { local: 'nurse', role: 'NURSE' },
  { local: 'frontdesk', role: 'FRONT_DESK' },
  { local: 'billing', role: 'BILLING' },
  { local: 'analyst', role: 'ANALYST' },
];

/** Physicians per organization (physician, physician2 … physician8). */
export const PHYSICIANS_PER_ORGANIZATION = 8;
/** Nurses per organization (nurse, nurse2 … nurse6). */
export const NURSES_PER_ORGANIZATION = 6;

export interface DemoUser {
  email: string;
  role: DemoRole;
  givenName: string;
  familyName: string;
  displayName: string;
  title: string | null;
  specialty: string | null;
}

const STAFF_NAMES: readonly (readonly [string, string])[] = [
  ['Amara', 'Okafor'], ['Daniel', 'Whitaker'], ['Priya', 'Raman'], ['Mateo', 'Alvarez'], ['Grace', 'Chen'],
  ['Samuel', 'Mensah'], ['Hannah', 'Lindqvist'], ['Omar', 'Haddad'], ['Elena', 'Petrova'], ['Kenji', 'Watanabe'],
  ['Fatima', 'Siddiqui'], ['Lucas', 'Moreau'], ['Nia', 'Kamau'], ['Thomas', 'Brennan'], ['Sofia', 'Rossi'],
  ['Aarav', 'Mehta'], ['Leila', 'Nasser'], ['Marcus', 'Johnson'], ['Yuki', 'Tanaka'], ['Isabel', 'Cabrera'],
  ['Kwame', 'Asante'], ['Chloe', 'Dubois'], ['Minh', 'Tran'], ['Rachel', 'Goldberg'], ['Diego', 'Fernandez'],
  ['Ingrid', 'Johansson'], ['Ravi', 'Iyer'], ['Ngozi', 'Eze'], ['Patrick', "O'Connor"], ['Mei', 'Lin'],
];

const PHYSICIAN_SPECIALTIES: readonly string[] = [
  'Internal Medicine', 'Family Medicine', 'Pediatrics', 'Cardiology', 'Emergency Medicine', 'Endocrinology',
  'Pulmonology', 'Radiology',
];

function staffName(orgIndex: number, i: number): readonly [string, string] {
  return STAFF_NAMES[(orgIndex * 7 + i) % STAFF_NAMES.length]!;
}

/** Every demo account of an organization, in a fixed order (role accounts first). */
export function demoUsersFor(org: DemoOrganization, orgIndex: number): DemoUser[] {
  const users: DemoUser[] = [];
  const add = (local: string, role: DemoRole, specialty: string | null = null) => {
    const [given, family] = staffName(orgIndex, users.length);
    const title = role === 'PHYSICIAN' ? 'Dr.' : role === 'NURSE' ? 'RN' : null;
    users.push({
      email: `${local}@${org.slug}.example`,
      role,
      givenName: given,
      familyName: family,
      displayName: role === 'PHYSICIAN' ? `Dr. ${given} ${family}` : role === 'NURSE' ? `${given} ${family}, RN` : `${given} ${family}`,
      title,
      specialty,
    });
  };
  for (const account of DEMO_ROLE_ACCOUNTS) {
    add(account.local, account.role, account.role === 'PHYSICIAN' ? PHYSICIAN_SPECIALTIES[0]! : null);
  }
  for (let i = 2; i <= PHYSICIANS_PER_ORGANIZATION; i++) {
    add(`physician${i}`, 'PHYSICIAN', PHYSICIAN_SPECIALTIES[(i - 1) % PHYSICIAN_SPECIALTIES.length]!);
  }
  for (let i = 2; i <= NURSES_PER_ORGANIZATION; i++) add(`nurse${i}`, 'NURSE');
  return users;
}

/** `Algorithm.Argon2id`: an ambient const enum, which verbatimModuleSyntax cannot read as a value. */
const ARGON2ID = 2 as Algorithm;

let demoHash: Promise<string> | null = null;

/** The Argon2id hash of DEMO_PASSWORD, computed once per process and shared by every demo account. */
export function demoPasswordHash(): Promise<string> {
  demoHash ??= hash(DEMO_PASSWORD, { algorithm: ARGON2ID });
  return demoHash;
}

/** The demo logins, as printed by `npm start` and `npm run db:seed`. */
export function demoLoginsText(): string {
  const lines = [`Demo logins (password for every account: ${DEMO_PASSWORD})`];
  DEMO_ORGANIZATIONS.forEach((org, index) => {
    lines.push(`  ${org.name} (${org.slug})`);
    for (const user of demoUsersFor(org, index).slice(0, DEMO_ROLE_ACCOUNTS.length)) {
      lines.push(`    ${user.email.padEnd(32)} ${user.role}`);
    }
  });
  lines.push(
    `  Also: physician2…physician${PHYSICIANS_PER_ORGANIZATION}@ and nurse2…nurse${NURSES_PER_ORGANIZATION}@ each organization, same password.`,
  );
  return lines.join('\n');
}
