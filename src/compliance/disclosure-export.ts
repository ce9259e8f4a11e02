import { stringify } from 'csv-stringify/sync';

/** One line of an accounting of disclosures. */
export interface DisclosureEntry {
  /** UTC, microseconds (the log's own precision). */
  occurredAt: string;
  kind: string;
  actorId: string | null;
  /** The actor's display name when the user still exists. */
  actorName: string | null;
  operationName: string | null;
  action: string | null;
  entityType: string | null;
  entityId: string | null;
  outcome: string | null;
  requestId: string | null;
}

export type ExportFormat = 'CSV' | 'JSON';

export interface DisclosureFile {
  contentType: string;
  filename: string;
  content: string;
  rowCount: number;
}

/** CSV columns, in order: the header row names them exactly so. */
export const DISCLOSURE_COLUMNS = [
  'occurred_at',
  'kind',
  'actor_id',
  'actor_name',
  'operation_name',
  'action',
  'entity_type',
  'entity_id',
  'outcome',
  'request_id',
] as const satisfies readonly string[];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula; operation and user names are
 * chosen by clients and staff, so such a cell is prefixed with an apostrophe (OWASP, CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const inert = (value: string | null): string | null => (value !== null && FORMULA_START.test(value) ? `'${value}` : value);

const fileDate = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The accounting of one patient's disclosures as a file. The file names the patient by UUID only (no
 * name, no MRN, in the name or the content), so the requester adds the identity they verified.
 */
export function disclosureFile(
  patientId: string,
  range: { from: Date; to: Date },
  entries: readonly DisclosureEntry[],
  format: ExportFormat,
): DisclosureFile {
  const base = `disclosures-${patientId}-${fileDate(range.from)}-${fileDate(range.to)}`;
  if (format === 'JSON') {
    const document = { patientId, from: range.from.toISOString(), to: range.to.toISOString(), entries };
    return { contentType: 'application/json', filename: `${base}.json`, content: JSON.stringify(document), rowCount: entries.length };
  }
  const records = entries.map((e) => [
    e.occurredAt,
    e.kind,
    e.actorId,
    inert(e.actorName),
    inert(e.operationName),
    e.action,
    e.entityType,
    e.entityId,
    e.outcome,
    inert(e.requestId),
  ]);
  const content = stringify(records, { header: true, columns: [...DISCLOSURE_COLUMNS], record_delimiter: 'windows' });
  return { contentType: 'text/csv; charset=utf-8', filename: `${base}.csv`, content, rowCount: entries.length };
}
