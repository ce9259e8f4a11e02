import postgres from 'postgres';
import { invoicePage } from '../billing/loaders.js';
import type { TenantContext } from '../context.js';
import { permissionFromEnum } from '../kernel/auth/directives.js';
import { listLimit } from '../kernel/pagination.js';
import type { SelectedField } from '../kernel/selection.js';
import { clinicalNotePage, statusPage, type StatusPage } from './chart-loaders.js';
import { encounterPage } from './loaders.js';
import { patientBundlesByIds, type PatientBundleColumns, type PatientBundleRequest } from './patient-bundle-repository.js';

/**
 * Look-ahead prefetch for patients: a root field that returns patients (`patients`,
 * `patient`) reads which relations its selection asks for, has PostgreSQL return
 * all of them for all its patients in the same statement (`patient_bundles`,
 * joined into the page query, or `patientBundlesByIds`), and primes the loaders
 * those relations' resolvers call — keyed exactly as the resolvers key them — so
 * the nested resolvers still call `ctx.loaders…load()` and hit the cache.
 * Whatever is not planned here (other relations, a second alias with other
 * arguments, a later page, a field the viewer's role may not read) is fetched
 * by its loader as usual.
 */
export interface PatientPrefetch {
  request: PatientBundleRequest;
  /** Primes the loaders with what came back; `bundles[i]` belongs to `patientIds[i]`. */
  prime(ctx: TenantContext, patientIds: readonly string[], bundles: readonly PatientBundleColumns[]): void;
}

/** `patient(id:)`: the bundle of patients already known by id, in one statement. */
export async function prefetchPatientRelations(ctx: TenantContext, patientIds: readonly string[], fields: readonly SelectedField[]): Promise<void> {
  const plan = patientPrefetch(ctx, fields);
  if (!plan || patientIds.length === 0) return;
  const org = ctx.session.scope.organizationId;
  const rows = await ctx.session.read((tx) => patientBundlesByIds(tx, org, patientIds, plan.request));
  plan.prime(ctx, rows.map((r) => r.patientId), rows);
}

/** The key a field's resolver would compute, or null when its arguments are invalid (the resolver reports that). */
function keyOf<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch {
    return null;
  }
}

/** The loader key of a nested bounded list (`vitalSigns(first:)`), or null when not selected or invalid. */
function nestedLimit(f: SelectedField | undefined): number | null {
  return f ? keyOf(() => listLimit(f.args.first as number | null)) : null;
}

/** The bundle a selection of Patient fields asks for, or null when it asks for nothing bundled. */
export function patientPrefetch(ctx: TenantContext, selected: readonly SelectedField[]): PatientPrefetch | null {
  const readable = (f: SelectedField) => !f.requires || ctx.viewer.permissions.has(permissionFromEnum(f.requires));
  const field = (fields: readonly SelectedField[], name: string) => fields.find((f) => f.name === name && readable(f));
  const nodesOf = (f: SelectedField) => [...f.fields(['edges', 'node']), ...f.fields(['nodes'])];
  const primers: ((ctx: TenantContext, ids: readonly string[], rows: readonly PatientBundleColumns[], revive: Revive) => void)[] = [];
  const request: PatientBundleRequest = {};

  if (field(selected, 'summary')) {
    request.summary = true;
    primers.push((c, ids, rows) =>
      c.loaders.patientSummaryById.primeRows(
        ids,
        rows.map((r, i) => ({
          patientId: ids[i]!,
          encounterCount: r.encounterCount ?? 0,
          lastEncounterAt: r.lastEncounterAt,
          activeProblemCount: r.activeProblemCount ?? 0,
        })),
      ),
    );
  }
  if (field(selected, 'balance')) {
    request.balance = true;
    primers.push((c, ids, rows) => c.loaders.balanceOfPatient.primeRows(ids, rows.map((r, i) => ({ patientId: ids[i]!, balance: r.balance! }))));
  }

  const list = (name: 'allergies' | 'problems', prime: (c: TenantContext, key: StatusPage, ids: readonly string[], rows: Json[]) => void) => {
    const f = field(selected, name);
    const key = f && keyOf(() => statusPage(f.args));
    if (!key) return;
    request[name] = key;
    primers.push((c, ids, rows, revive) => prime(c, key, ids, revivedList(rows, name, revive)));
  };
  list('allergies', (c, key, ids, rows) => c.loaders.drugAllergiesOfPatient(key).primeRows(ids, asRows(rows)));
  list('problems', (c, key, ids, rows) => c.loaders.problemsOfPatient(key).primeRows(ids, asRows(rows)));

  const prescriptions = field(selected, 'prescriptions');
  const prescriptionKey = prescriptions && keyOf(() => statusPage(prescriptions.args));
  if (prescriptions && prescriptionKey) {
    const withPrescriber = !!field(prescriptions.fields(), 'prescriber');
    request.prescriptions = { ...prescriptionKey, prescriber: withPrescriber };
    primers.push((c, ids, rows, revive) => {
      const { parents, children } = split(rows, revive, 'prescriptions', 'prescriber');
      c.loaders.prescriptionsOfPatient(prescriptionKey).primeRows(ids, asRows(parents));
      if (withPrescriber) primeUsers(c, children.prescriber);
    });
  }

  const encounters = field(selected, 'encounters');
  const encounterKey = encounters && keyOf(() => encounterPage(encounters.args, ctx.deps.cursors));
  if (encounters && encounterKey?.page.forward && !encounterKey.page.cursor) {
    const nodes = nodesOf(encounters);
    const withProvider = !!field(nodes, 'provider');
    const vitals = field(nodes, 'vitalSigns');
    const vitalsLimit = nestedLimit(vitals);
    request.encounters = { statuses: encounterKey.statuses, limit: encounterKey.page.limit + 1, provider: withProvider, vitalSigns: vitalsLimit };
    primers.push((c, ids, rows, revive) => {
      const { parents, children } = split(rows, revive, 'encounters', 'provider', 'vital_signs');
      c.loaders.encountersOfPatient(encounterKey).primeRows(ids, asRows(parents));
      if (withProvider) primeUsers(c, children.provider);
      if (vitalsLimit !== null) c.loaders.vitalSignsOfEncounter(vitalsLimit).primeRows(idsOf(parents), asRows(children.vital_signs));
    });
  }

  const invoices = field(selected, 'invoices');
  const invoiceKey = invoices && keyOf(() => invoicePage(invoices.args, ctx.deps.cursors));
  if (invoices && invoiceKey?.page.forward && !invoiceKey.page.cursor) {
    const payments = field(nodesOf(invoices), 'payments');
    const paymentLimit = nestedLimit(payments);
    request.invoices = { statuses: invoiceKey.statuses, limit: invoiceKey.page.limit + 1, payments: paymentLimit };
    primers.push((c, ids, rows, revive) => {
      const { parents, children } = split(rows, revive, 'invoices', 'payments');
      c.loaders.invoicesOfPatient(invoiceKey).primeRows(ids, asRows(parents));
      if (paymentLimit !== null) c.loaders.paymentsOfInvoice(paymentLimit).primeRows(idsOf(parents), asRows(children.payments));
    });
  }

  const notes = field(selected, 'clinicalNotes');
  const notePage = notes && keyOf(() => clinicalNotePage(notes.args, ctx.deps.cursors));
  if (notes && notePage?.forward && !notePage.cursor) {
    const withAuthor = !!field(nodesOf(notes), 'author');
    request.clinicalNotes = { limit: notePage.limit + 1, author: withAuthor };
    primers.push((c, ids, rows, revive) => {
      const { parents, children } = split(rows, revive, 'clinicalNotes', 'author');
      c.loaders.clinicalNotesOfPatient(notePage).primeRows(ids, asRows(parents));
      if (withAuthor) primeUsers(c, children.author);
    });
  }

  const labTests = field(selected, 'labTests');
  const labKey = labTests && keyOf(() => statusPage(labTests.args));
  if (labTests && labKey) {
    const results = field(labTests.fields(), 'results');
    const resultLimit = nestedLimit(results);
    request.labTests = { ...labKey, results: resultLimit };
    primers.push((c, ids, rows, revive) => {
      const { parents, children } = split(rows, revive, 'labTests', 'results');
      c.loaders.labTestsOfPatient(labKey).primeRows(ids, asRows(parents));
      if (resultLimit !== null) c.loaders.labResultsOfLabTest(resultLimit).primeRows(idsOf(parents), asRows(children.results));
    });
  }

  if (primers.length === 0) return null;
  return {
    request,
    prime: (c, ids, rows) => {
      const revive = reviver();
      for (const prime of primers) prime(c, ids, rows, revive);
    },
  };
}

type Json = Record<string, unknown>;

type Revive = (json: Json, skip?: readonly string[]) => Json;

/**
 * Turns JSON objects from PostgreSQL into the shape postgres.js gives the
 * repositories: camelCase keys (converted once per distinct key: a page holds
 * thousands of keys but a few dozen names); timestamps (`*_at` columns, all
 * timestamptz — a schema test holds that) as Dates; numerics arrive as text
 * already (cast in the SQL). `skip` names nested relations that are handed to
 * other loaders instead. One per priming, so no state outlives the request.
 */
function reviver(): Revive {
  const names = new Map<string, string>();
  return (json, skip) => {
    const row: Json = {};
    for (const key in json) {
      if (skip?.includes(key)) continue;
      const value = json[key];
      let name = names.get(key);
      if (name === undefined) names.set(key, (name = postgres.toCamel(key)));
      row[name] = typeof value === 'string' && name.endsWith('At') ? new Date(value) : value;
    }
    return row;
  };
}

const parsed = (text: string | null): Json[] => (text === null ? [] : (JSON.parse(text) as Json[]));

function revivedList(rows: readonly PatientBundleColumns[], column: 'allergies' | 'problems', revive: Revive): Json[] {
  return rows.flatMap((r) => parsed(r[column]).map((item) => revive(item)));
}

type ListColumn = 'prescriptions' | 'encounters' | 'invoices' | 'clinicalNotes' | 'labTests';

/** Every patient's rows of one relation, revived, with their nested relations (an object or a list each) set apart. */
function split<N extends string>(rows: readonly PatientBundleColumns[], revive: Revive, column: ListColumn, ...nested: N[]) {
  const parents: Json[] = [];
  const children = Object.fromEntries(nested.map((n) => [n, [] as Json[]])) as Record<N, Json[]>;
  for (const row of rows) {
    for (const item of parsed(row[column])) {
      parents.push(revive(item, nested));
      for (const n of nested) {
        const value = item[n] as Json | Json[] | null;
        if (Array.isArray(value)) for (const child of value) children[n].push(revive(child));
        else if (value) children[n].push(revive(value));
      }
    }
  }
  return { parents, children };
}

const idsOf = (rows: readonly Json[]) => rows.map((r) => r.id as string);

/**
 * Revived JSON as the row type a loader holds. The one unchecked step of the prefetch:
 * test/patients/patient-prefetch.test.ts proves every field equal to the loaders' own rows.
 */
const asRows = <R>(rows: readonly Json[]): R[] => rows as unknown as R[];

function primeUsers(ctx: TenantContext, users: readonly Json[]): void {
  ctx.loaders.userById.primeRows(idsOf(users), asRows(users));
}
