import { createConnectionLoader, createPatientRecordLoader, createGroupLoader, createLoader, loaderFamily, type LoaderScope } from '../kernel/loaders.js';
import { pageRequest, statusFilter, type ConnectionArgs, type PageRequest, type CursorCodec } from '../kernel/pagination.js';
import * as encounters from './encounter-repository.js';
import * as patients from './patient-repository.js';
import * as vitals from './vital-signs-repository.js';

/** The loader key of `Patient.encounters(...)`; the resolver and the look-ahead prefetch both key by it. */
export const encounterPage = (args: ConnectionArgs & { status?: readonly string[] | null }, cursors: CursorCodec) => ({
  page: pageRequest(args, 'patient.encounters', cursors),
  statuses: statusFilter(args.status),
});

/** Patients and clinical records, batched per request. Reading a patient is recorded as PHI access. */
export function patientLoaders(scope: LoaderScope) {
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  const counts = <R extends { patientId: string; count: number }>(fetch: (ids: readonly string[]) => Promise<R[]>) =>
    createLoader(scope, fetch, (r) => r.patientId);
  return {
    patientById: createLoader(
      scope,
      async (ids: readonly string[]) => {
        const rows = await read((tx) => patients.patientsByIds(tx, org, ids));
        scope.notePatientAccess(rows.map((r) => r.id));
        return rows;
      },
      (p) => p.id,
    ),
    patientSummaryById: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => patients.summariesByPatientIds(tx, org, ids)),
      (s) => s.patientId,
    ),
    encounterById: createPatientRecordLoader(scope, (ids) => read((tx) => encounters.encountersByIds(tx, org, ids))),
    encountersOfPatient: loaderFamily((args: { page: PageRequest; statuses: string[] | null }) =>
      createConnectionLoader(
        scope,
        (ids) => read((tx) => encounters.encounterPagesByPatientIds(tx, org, ids, args.statuses, args.page)),
        (e) => e.patientId,
        args.page,
        (e) => [e.sortKey, e.id],
      ),
    ),
    encounterCountOfPatient: loaderFamily((statuses: string[] | null) =>
      counts((ids) => read((tx) => encounters.encounterCountsByPatientIds(tx, org, ids, statuses))),
    ),
    vitalSignsOfEncounter: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => vitals.vitalSignsByEncounterIds(tx, org, ids, limit)),
        (v) => v.encounterId!,
      ),
    ),
    vitalSignsById: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => vitals.vitalSignsByIds(tx, org, ids)),
      (v) => v.id,
    ),
    vitalSignsOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (ids) => read((tx) => vitals.vitalSignsPagesByPatientIds(tx, org, ids, page)),
        (v) => v.patientId,
        page,
        (v) => [v.sortKey, v.id],
      ),
    ),
    vitalSignsCountOfPatient: counts((ids) => read((tx) => vitals.vitalSignsCountsByPatientIds(tx, org, ids))),
  };
}
