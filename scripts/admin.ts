/**
 * The operator's account commands (npm run admin -- <command>): the first
 * organization and its administrator, further users, password resets and
 * deactivation, without the demo seed. Every change is audited in the same
 * transaction (src/identity/operator.ts).
 *
 * Passwords are read from standard input — typed at a hidden prompt on a
 * terminal, else the first line piped in — never from the command line, where
 * `ps` and the shell history would keep them.
 *
 * Targets MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded
 * PostgreSQL, as `npm run db:*` does; the database must be migrated.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { ROLES, isRole, type Role } from '../src/kernel/auth/permissions.js';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { migrationLevel } from '../src/kernel/db/migrate.js';
import { createDatabase, describeConnectionError, type Database } from '../src/kernel/db/pool.js';
import { provisionDatabase, type ProvisionedDatabase } from '../src/kernel/db/provision.js';
import { applyEnvFile } from '../src/kernel/env-file.js';
import { Operator } from '../src/identity/operator.js';
import { exitWith } from './exit-with.js';

const USAGE = `usage: npm run admin -- <command> [options]

commands:
  create-organization --name NAME --slug SLUG --admin-email EMAIL [--admin-name NAME] [--timezone ZONE]
      a new organization and its first ORG_ADMIN (asks for the administrator's password)
  create-user --organization SLUG --email EMAIL --name NAME --role ROLE [--role ROLE …] [--title T] [--specialty S]
      a user of an existing organization (asks for the password); roles: ${ROLES.join(', ')}
  reset-password --email EMAIL
      a new password for the user (asks for it); the user's sessions are revoked
  deactivate-user --email EMAIL
      the user can no longer sign in; the user's sessions are revoked

Passwords (12 to 256 characters) come from standard input: a hidden prompt on a terminal,
else the first line piped in (printf '%s\\n' "$PASSWORD" | npm run admin -- …). Never as an argument.
Uses MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded PostgreSQL in .data/postgres.`;

class UsageError extends Error {}

const OPTIONS = {
  name: { type: 'string' },
  slug: { type: 'string' },
  timezone: { type: 'string' },
  'admin-email': { type: 'string' },
  'admin-name': { type: 'string' },
  organization: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string', multiple: true },
  title: { type: 'string' },
  specialty: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const COMMANDS = {
  'create-organization': { required: ['name', 'slug', 'admin-email'], optional: ['admin-name', 'timezone'], password: true },
  'create-user': { required: ['organization', 'email', 'name', 'role'], optional: ['title', 'specialty'], password: true },
  'reset-password': { required: ['email'], optional: [], password: true },
  'deactivate-user': { required: ['email'], optional: [], password: false },
} as const satisfies Record<string, { required: readonly (keyof Values)[]; optional: readonly (keyof Values)[]; password: boolean }>;
type Command = keyof typeof COMMANDS;

function parse(argv: string[]): { command: Command; values: Values } | 'help' {
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new UsageError('--password is not accepted: a password on the command line shows in `ps` and the shell history; type it at the prompt or pipe it on standard input');
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError('missing command');
  if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const spec = COMMANDS[command as Command];
  const allowed = new Set<string>([...spec.required, ...spec.optional]);
  const foreign = Object.keys(values).find((name) => !allowed.has(name));
  if (foreign) throw new UsageError(`--${foreign} does not apply to ${command}`);
  const missing = spec.required.find((name) => values[name] === undefined);
  if (missing) throw new UsageError(`${command} needs --${missing}`);
  if (values.role) roles(values.role);
  return { command: command as Command, values };
}

/** The password: a hidden prompt (asked twice) on a terminal, else the first line of standard input. */
async function readPassword(label: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    const line = text.split(/\r?\n/)[0] ?? '';
    if (!line) throw new UsageError(`no password on standard input: pipe ${label} as the first line, or run this on a terminal to be asked`);
    return line;
  }
  const first = await promptHidden(`${label}: `);
  const again = await promptHidden(`${label} (again): `);
  if (first !== again) throw new UsageError('the two passwords differ; nothing was changed');
  return first;
}

function promptHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const prompt = createInterface({ input: process.stdin, output: silent, terminal: true });
  return new Promise((resolve) =>
    prompt.question('', (answer) => {
      prompt.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}

function roles(values: string[]): Role[] {
  const wrong = values.find((r) => !isRole(r));
  if (wrong !== undefined) throw new UsageError(`unknown role "${wrong}"; roles: ${ROLES.join(', ')}`);
  return values as Role[];
}

async function run(operator: Operator, command: Command, v: Values, password: string): Promise<string> {
  switch (command) {
    case 'create-organization': {
      const { organization, admin } = await operator.createOrganization({
        name: v.name!,
        slug: v.slug!,
        timezone: v.timezone ?? null,
        admin: { email: v['admin-email']!, password, displayName: v['admin-name'] ?? 'Administrator' },
      });
      return `created organization "${organization.name}" (slug ${organization.slug}, id ${organization.id}) and its ORG_ADMIN ${admin.email} (id ${admin.id})`;
    }
    case 'create-user': {
      const { organization, user } = await operator.createUser(v.organization!, {
        email: v.email!,
        password,
        displayName: v.name!,
        title: v.title ?? null,
        specialty: v.specialty ?? null,
        roles: roles(v.role ?? []),
      });
      return `created user ${user.email} (id ${user.id}) in ${organization.slug} with ${(v.role ?? []).join(', ')}`;
    }
    case 'reset-password': {
      const user = await operator.resetPassword(v.email!, password);
      return `reset the password of ${user.email} (id ${user.id}); its sessions are revoked`;
    }
    case 'deactivate-user': {
      const { user, alreadyInactive } = await operator.deactivateUser(v.email!);
      if (alreadyInactive) throw new UsageError(`${v.email!.trim().toLowerCase()} is already deactivated; nothing was changed`);
      return `deactivated ${user!.email} (id ${user!.id}); its sessions are revoked`;
    }
  }
}

function describe(error: unknown, url: string): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.message}`;
  if (error instanceof GraphQLError) {
    const field = error.extensions.field;
    return `${error.message}${typeof field === 'string' ? ` (field: ${field})` : ''}; nothing was changed`;
  }
  const code = (error as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT', '3D000', '28P01', '28000'].includes(code)) {
    return describeConnectionError(error, url);
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 1;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { command, values } = parsed;

  let provisioned: ProvisionedDatabase | null = null;
  let db: Database | null = null;
  try {
    applyEnvFile('.env');
    const config = loadConfig();
    const password = COMMANDS[command].password ? await readPassword('Password') : '';
    provisioned = await provisionDatabase(config.database);
    db = createDatabase(provisioned.migrationUrl, { ...config.database, maxConnections: 2, minConnections: 0 }, 'health-admin');
    const level = await migrationLevel(db.sql);
    if (!level.upToDate) {
      throw new Error(`the database is not migrated (at ${level.current ?? 'nothing'}, this build needs ${level.latest}): run \`npm run db:migrate\` first`);
    }
    const operator = new Operator(db, {
      queryTimeoutMs: config.database.queryTimeoutMs,
      queryTimeoutLongMs: config.database.queryTimeoutLongMs,
      acquireTimeoutMs: config.database.acquireTimeoutMs,
      commitConfirmTimeoutMs: config.database.commitConfirmTimeoutMs,
    });
    await operator.assertPrivileged();
    process.stdout.write(`admin: ${await run(operator, command, values, password)}\n`);
    process.stdout.write(`admin: audited with request id ${operator.requestId}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`admin: ${describe(error, provisioned?.migrationUrl ?? '')}\n`);
    return 1;
  } finally {
    await db?.close().catch(() => {});
    await provisioned?.embedded?.stop().catch(() => {});
  }
}

exitWith('admin', main);
