import { createConnectionLoader, createPatientRecordLoader, createByIdLoader, createStatusPagesLoader, createLoader, limitedGroupLoaders, loaderFamily, notingAccess, type LoaderScope, createCountLoader } from '../kernel/loaders.js';
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
  return {
    patientById: createByIdLoader(scope, notingAccess(scope, patients.patientsByIds, (rows) => rows.map((p) => p.id))),
    patientSummaryById: createLoader(
      scope,
      patients.summariesByPatientIds,
      (s) => s.patientId,
    ),
    encounterById: createPatientRecordLoader(scope, encounters.encountersByIds),
    encountersOfPatient: createStatusPagesLoader(scope, encounters.encountersOfPatients.pages, (e) => e.patientId, (e) => [e.sortKey, e.id]),
    encounterCountOfPatient: loaderFamily((statuses: string[] | null) =>
      createCountLoader(scope, (tx, org, ids) => encounters.encountersOfPatients.counts(tx, org, ids, statuses)),
    ),
    vitalSignsOfEncounter: limitedGroupLoaders(scope, vitals.vitalSignsByEncounterIds, (v) => v.encounterId!),
    vitalSignsById: createByIdLoader(scope, vitals.vitalSignsByIds),
    /** The entered-in-error mark of a vital-sign set, or null while it stands. */
    vitalSignsErrorById: createLoader(scope, vitals.vitalSignsErrorsByIds, (e) => e.vitalSignsId),
    vitalSignsOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => vitals.vitalSignsOfPatients.pages(tx, org, ids, null, page),
        (v) => v.patientId,
        page,
        (v) => [v.sortKey, v.id],
      ),
    ),
    vitalSignsCountOfPatient: createCountLoader(scope, (tx, org, ids) => vitals.vitalSignsOfPatients.counts(tx, org, ids, null)),
  };
}
