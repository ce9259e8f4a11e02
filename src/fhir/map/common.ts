import type { CodeableConcept, Coding, Reference } from '@medplum/fhirtypes';
import type { PhiView } from '../phi-view.js';

/** What every mapper needs besides the row: the viewer's PHI view and the organization (identifier systems). */
export interface MapContext {
  phi: PhiView;
  organizationId: string;
}

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SNOMED = 'http://snomed.info/sct';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** The per-organization system of our MRNs: an MRN is unique only within its organization. */
export const mrnSystem = (organizationId: string) => `urn:health-graphql:organization:${organizationId}:mrn`;
/** The per-organization system of our own codes that no standard vocabulary names (test codes, drug codes). */
export const localSystem = (organizationId: string, vocabulary: string) => `urn:health-graphql:organization:${organizationId}:${vocabulary}`;

/** A literal reference; typed to fit any reference element (it carries no resource). */
export const reference = (type: string, id: string | null | undefined): Reference<never> | undefined =>
  id ? { reference: `${type}/${id}` } : undefined;

/** FHIR instants and dateTimes: ISO 8601 with a zone. */
export const instant = (value: Date | null | undefined): string | undefined => value?.toISOString();

/** A FHIR decimal from our exact decimal strings ("38.2", "70.50"). */
export const decimal = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined || value === '' ? undefined : Number(value);

/** A concept from optional codings and text; undefined when the viewer reads none of it. */
export function concept(codings: (Coding | undefined)[], text?: string): CodeableConcept | undefined {
  const coding = codings.filter((c): c is Coding => c !== undefined && (c.code !== undefined || c.display !== undefined));
  if (coding.length === 0 && !text) return undefined;
  return { ...(coding.length ? { coding } : {}), ...(text ? { text } : {}) };
}

/** The code system our `codeSystem` column names (problem list: ICD-10 or SNOMED CT). */
export function codeSystemUri(name: string | null | undefined, organizationId: string): string {
  const normalized = (name ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (normalized.startsWith('ICD10')) return ICD10;
  if (normalized.startsWith('SNOMED') || normalized === 'SCT') return SNOMED;
  if (normalized === 'LOINC') return LOINC;
  return localSystem(organizationId, 'codes');
}

/**
 * Drops what FHIR forbids to be present but empty: undefined values, empty strings, arrays and objects
 * (an element masked for the viewer leaves nothing behind, not `{}`).
 */
/** A resource under construction: any element may still be undefined, any list may hold undefined items. */
export type Loose<T> = T extends readonly (infer U)[]
  ? (Loose<U> | undefined)[]
  : T extends string | number | boolean
    ? T
    : T extends object
      ? { [K in keyof T]?: Loose<T[K]> | undefined }
      : T;

export function compact<T>(value: Loose<T>): T {
  if (Array.isArray(value)) return value.map((v: unknown) => compact(v)).filter((v) => !isEmpty(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const c = compact<unknown>(v);
      if (!isEmpty(c)) out[key] = c;
    }
    return out as T;
  }
  return value as T;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0);

const LOINC_CODE = /^\d{1,7}-\d$/;

/** A coding of one of our codes: LOINC when it has LOINC's shape, else the organization's own vocabulary. */
export function ourCoding(code: string | undefined, display: string | undefined, organizationId: string, vocabulary: string) {
  if (code === undefined && display === undefined) return undefined;
  return { system: code !== undefined && LOINC_CODE.test(code) ? LOINC : localSystem(organizationId, vocabulary), code, display };
}
