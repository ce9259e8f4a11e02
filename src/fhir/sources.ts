import type { Resource } from '@medplum/fhirtypes';
import type { TenantContext } from '../context.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { KeysetSlice } from '../kernel/pagination.js';
import { encounterSlicesByPatientIds } from '../patients/encounter-repository.js';
import { drugAllergySlicesByPatientIds } from '../patients/drug-allergy-repository.js';
import { imagingOrderSlicesByPatientIds } from '../patients/imaging-order-repository.js';
import { labResultSlicesByPatientIds, labTestSlicesByPatientIds } from '../patients/lab-test-repository.js';
import { prescriptionSlicesByPatientIds } from '../patients/prescription-repository.js';
import { problemSlicesByPatientIds } from '../patients/problem-repository.js';
import { vitalSignsSlicesByPatientIds } from '../patients/vital-signs-repository.js';
import type { MapContext } from './map/common.js';
import { allergyResource, conditionResource } from './map/condition.js';
import { encounterResource } from './map/encounter.js';
import { imagingOrderResource } from './map/imaging.js';
import { labOrderResource, labReportResource, labResultResource } from './map/lab.js';
import { medicationRequestResource } from './map/medication-request.js';
import { vitalSignsResources } from './map/vital-signs.js';

/** The resource types `$everything` returns, in the order a record is paged through. */
export const EVERYTHING_TYPES = [
  'Patient',
  'Encounter',
  'Observation',
  'Condition',
  'AllergyIntolerance',
  'MedicationRequest',
  'ServiceRequest',
  'DiagnosticReport',
] as const;
export type EverythingType = (typeof EVERYTHING_TYPES)[number];

/** A row of a slice: its keyset position (sort key text, id). */
interface SliceRow {
  id: string;
  sortKey: string | null;
}

/**
 * One table of a patient's record as FHIR: a keyset slice read (one batch-shaped statement, in the request's
 * tenant-scoped read transaction), then the rows' resources (at most one more batched statement per slice).
 */
export interface RecordSource {
  name: string;
  /** The FHIR types its rows become. */
  types: readonly EverythingType[];
  /** For `Observation?category=`: the observation category its Observations carry. */
  category?: 'vital-signs' | 'laboratory';
  slice(ctx: TenantContext, patientId: string, slice: KeysetSlice): Promise<readonly SliceRow[]>;
  resources(ctx: TenantContext, rows: readonly SliceRow[], map: MapContext): Promise<Resource[][]>;
}

/** Runs a repository slice read in the request's read transaction for one patient. */
type SliceRead<R> = (tx: TransactionSql, organizationId: string, patientIds: readonly string[], slice: KeysetSlice) => Promise<R[]>;

const sliced =
  <R>(read: SliceRead<R>) =>
  (ctx: TenantContext, patientId: string, slice: KeysetSlice) =>
    ctx.session.read((tx) => read(tx, ctx.viewer.organizationId, [patientId], slice));

/** A source whose rows map one to one, with no further read. */
function simple<R extends SliceRow>(
  name: string,
  type: EverythingType,
  read: SliceRead<R>,
  toResource: (row: R, map: MapContext) => Resource,
): RecordSource {
  return {
    name,
    types: [type],
    slice: sliced(read),
    resources: async (_ctx, rows, map) => (rows as readonly R[]).map((row) => [toResource(row, map)]),
  };
}

/** Every table of the record after the Patient itself, in paging order. */
export const RECORD_SOURCES: readonly RecordSource[] = [
  simple('encounters', 'Encounter', encounterSlicesByPatientIds, encounterResource),
  {
    name: 'vitalSigns',
    types: ['Observation'],
    category: 'vital-signs',
    slice: sliced(vitalSignsSlicesByPatientIds),
    async resources(ctx, rows, map) {
      const vitals = rows as Awaited<ReturnType<typeof vitalSignsSlicesByPatientIds>>;
      const errors = await ctx.loaders.vitalSignsErrorById.loadMany(vitals.map((v) => v.id));
      return vitals.map((v, i) => {
        const error = errors[i];
        if (error instanceof Error) throw error;
        return vitalSignsResources(v, error ?? null, map);
      });
    },
  },
  {
    name: 'labResults',
    types: ['Observation'],
    category: 'laboratory',
    slice: sliced(labResultSlicesByPatientIds),
    resources: async (_ctx, rows, map) => (rows as Awaited<ReturnType<typeof labResultSlicesByPatientIds>>).map((r) => [labResultResource(r, map)]),
  },
  simple('problems', 'Condition', problemSlicesByPatientIds, conditionResource),
  simple('allergies', 'AllergyIntolerance', drugAllergySlicesByPatientIds, allergyResource),
  simple('prescriptions', 'MedicationRequest', prescriptionSlicesByPatientIds, medicationRequestResource),
  {
    name: 'labTests',
    types: ['ServiceRequest', 'DiagnosticReport'],
    slice: sliced(labTestSlicesByPatientIds),
    async resources(ctx, rows, map) {
      const tests = rows as Awaited<ReturnType<typeof labTestSlicesByPatientIds>>;
      const results = await ctx.loaders.labResultsOfLabTest(1000).loadMany(tests.map((t) => t.id));
      return tests.map((t, i) => {
        const ofTest = results[i] ?? [];
        if (ofTest instanceof Error) throw ofTest;
        const reported = ofTest.length > 0 || t.status === 'RESULTED' || t.status === 'VERIFIED';
        return [labOrderResource(t, map), ...(reported ? [labReportResource(t, ofTest.map((r) => r.id), map)] : [])];
      });
    },
  },
  simple('imagingOrders', 'ServiceRequest', imagingOrderSlicesByPatientIds, imagingOrderResource),
];
