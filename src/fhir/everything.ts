import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { TenantContext } from '../context.js';
import { assertPermission } from '../kernel/auth/viewer.js';
import { badInput, notFound } from '../kernel/errors.js';
import { MAX_PAGE_SIZE } from '../kernel/pagination.js';
import type { MapContext } from './map/common.js';
import { patientResource } from './map/patient.js';
import { PhiView } from './phi-view.js';
import { EVERYTHING_TYPES, type EverythingType, type RecordSource } from './sources.js';

export const DEFAULT_FHIR_PAGE = 100;

/** What a page of a patient's record asks for (`$everything`, `Observation?patient=`). */
export interface RecordQuery {
  patientId: string;
  types: ReadonlySet<EverythingType>;
  since: Date | null;
  count: number;
  /** The sources read, in order (all of RECORD_SOURCES for `$everything`). */
  sources: readonly RecordSource[];
  /** Whether the Patient resource itself leads the first page. */
  includePatient: boolean;
  /** Names the listing the cursor belongs to (a cursor opens only for the same patient, types and since). */
  ordering: string;
  cursor: string | null;
}

/** Where the next page starts: the source's index and the position in it. */
interface Position {
  source: number;
  after: readonly [string, string] | null;
}

export interface RecordPage {
  resources: Resource[];
  /** The opaque cursor of the next page; null on the last. */
  next: string | null;
}

export const mapContextOf = (ctx: TenantContext): MapContext => ({
  phi: new PhiView(ctx.deps.phiFields, ctx.viewer.phiKinds),
  organizationId: ctx.viewer.organizationId,
});

/** `_count`: 1–1000, default 100 (the API's page cap). */
export function pageCount(value: number | string | null | undefined, field = '_count'): number {
  if (value === null || value === undefined || value === '') return DEFAULT_FHIR_PAGE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw badInput(`${field} must be a whole number from 1 to ${MAX_PAGE_SIZE}`, field);
  return n;
}

/** `_type`: known resource types only; all when absent. */
export function resourceTypes(values: readonly string[] | null | undefined, field = '_type'): ReadonlySet<EverythingType> {
  if (!values || values.length === 0) return new Set(EVERYTHING_TYPES);
  const unknown = values.filter((t) => !(EVERYTHING_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw badInput(`${field} names types this server does not return: ${unknown.join(', ')}; it returns ${EVERYTHING_TYPES.join(', ')}`, field);
  return new Set(values as EverythingType[]);
}

/** `_since`: an instant with a zone. */
export function sinceOf(value: string | Date | null | undefined, field = '_since'): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()) || (typeof value === 'string' && !/T.*(Z|[+-]\d\d:\d\d)$/.test(value))) {
    throw badInput(`${field} must be an instant with a time zone, e.g. 2026-01-31T00:00:00Z`, field);
  }
  return date;
}

/** The ordering a cursor is bound to: one listing of one patient with these filters. */
export const everythingOrdering = (kind: string, patientId: string, types: ReadonlySet<string>, since: Date | null) =>
  `fhir.${kind}:${patientId}:${[...types].sort().join(',')}:${since?.toISOString() ?? ''}`;

/**
 * One page of a patient's record: the sources in order from the cursor's position, each read as one keyset
 * slice of at most what the page still holds (+1 to learn whether more follow), until the page is full. The
 * statements depend on the number of sources, never on the number of rows. The patient is loaded (and its
 * access noted for the PHI access log) first; a patient outside the organization is NOT_FOUND.
 */
export async function recordPage(ctx: TenantContext, query: RecordQuery): Promise<RecordPage> {
  assertPermission(ctx.viewer, 'clinical:read');
  const patient = await ctx.loaders.patientById.load(query.patientId);
  if (!patient) throw notFound('Patient', query.patientId);
  const map = mapContextOf(ctx);
  const start = query.cursor ? openCursor(ctx, query) : { source: -1, after: null };
  const resources: Resource[] = [];
  if (start.source === -1 && query.includePatient && query.types.has('Patient') && (!query.since || patient.updatedAt >= query.since)) {
    resources.push(patientResource(patient, map));
  }
  for (let i = Math.max(0, start.source); i < query.sources.length; i++) {
    const source = query.sources[i]!;
    if (!source.types.some((t) => query.types.has(t))) continue;
    const room = query.count - resources.length;
    if (room <= 0) return { resources, next: sealCursor(ctx, query, { source: i, after: null }) };
    const after = i === start.source ? start.after : null;
    const rows = await source.slice(ctx, query.patientId, { after, since: query.since, limit: room + 1 });
    const taken = rows.slice(0, room);
    const produced = await source.resources(ctx, taken, map);
    let last: (typeof taken)[number] | undefined;
    for (const [j, row] of taken.entries()) {
      const wanted = produced[j]!.filter((r) => query.types.has(r.resourceType as EverythingType));
      // A row's resources stay together (a vital-sign set's Observations); the page ends before one that does not fit.
      if (last && resources.length + wanted.length > query.count) return { resources, next: sealCursor(ctx, query, { source: i, after: keyOf(last) }) };
      resources.push(...wanted);
      last = row;
    }
    if (rows.length > room && last) return { resources, next: sealCursor(ctx, query, { source: i, after: keyOf(last) }) };
  }
  return { resources, next: null };
}

const keyOf = (row: { id: string; sortKey: string | null }): [string, string] => [row.sortKey ?? '', row.id];

function sealCursor(ctx: TenantContext, query: RecordQuery, position: Position): string {
  return ctx.deps.cursors.encode(query.ordering, [position.source, ...(position.after ?? [null, null])]);
}

function openCursor(ctx: TenantContext, query: RecordQuery): Position {
  const [source, at, id] = ctx.deps.cursors.decode(query.cursor!, query.ordering, '_cursor');
  if (typeof source !== 'number' || source < 0 || source >= query.sources.length) throw badInput('_cursor is not a position of this listing', '_cursor');
  return { source, after: typeof at === 'string' && typeof id === 'string' ? [at, id] : null };
}

/** A page as a FHIR searchset Bundle, with `self` and (when more follow) `next` links. */
export function searchsetBundle(base: string, page: RecordPage, self: string, nextUrl: (cursor: string) => string): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: self }];
  if (page.next) link.push({ relation: 'next', url: nextUrl(page.next) });
  const entry: BundleEntry[] = page.resources.map((resource) => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: 'match' },
  }));
  return { resourceType: 'Bundle', type: 'searchset', timestamp: new Date().toISOString(), link, ...(entry.length ? { entry } : {}) };
}
