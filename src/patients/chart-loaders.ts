import { createConnectionLoader, createPatientRecordLoader, createGroupLoader, limitedGroupLoaders, loaderFamily, type BatchRead, type LoaderScope, createCountLoader } from '../kernel/loaders.js';
import { listLimit, pageRequest, statusFilter, type ConnectionArgs, type PageRequest, type CursorCodec } from '../kernel/pagination.js';
import * as notes from './clinical-note-repository.js';
import * as allergies from './drug-allergy-repository.js';
import * as prescriptions from './prescription-repository.js';
import * as problems from './problem-repository.js';

/** A bounded list's filter and size (`Patient.problems(status:, first:)`): one batch per distinct pair. */
export interface StatusPage {
  statuses: string[] | null;
  limit: number;
}

/** The loader key of a bounded list's arguments; resolvers and the look-ahead prefetch both key by it. */
export const statusPage = (args: { status?: readonly string[] | null; first?: number | null }): StatusPage => ({
  statuses: statusFilter(args.status),
  limit: listLimit(args.first),
});

/** The loader key of `Patient.clinicalNotes(...)`. */
export const clinicalNotePage = (args: ConnectionArgs, cursors: CursorCodec): PageRequest =>
  pageRequest(args, 'patient.clinicalNotes', cursors);

/**
 * The patient chart (problems, clinical notes, drug allergies, prescriptions),
 * batched per request. Loading a record by id records PHI access for its
 * patient; nested lists are reached through a patient or encounter already noted.
 */
export function chartLoaders(scope: LoaderScope) {
  const byId = <R extends { id: string; patientId: string }>(read: BatchRead<R>) => createPatientRecordLoader(scope, read);
  return {
    problemById: byId(problems.problemsByIds),
    problemsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => problems.problemsByPatientIds(tx, org, ids, statuses, limit),
        (p) => p.patientId,
      ),
    ),
    problemsOfEncounter: limitedGroupLoaders(scope, problems.problemsByEncounterIds, (p) => p.encounterId!),

    clinicalNoteById: byId(notes.clinicalNotesByIds),
    clinicalNotesOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => notes.clinicalNotesOfPatients.pages(tx, org, ids, null, page),
        (n) => n.patientId,
        page,
        (n) => [n.sortKey, n.id],
      ),
    ),
    clinicalNoteCountOfPatient: createCountLoader(scope, (tx, org, ids) => notes.clinicalNotesOfPatients.counts(tx, org, ids, null)),
    clinicalNotesOfEncounter: limitedGroupLoaders(scope, notes.clinicalNotesByEncounterIds, (n) => n.encounterId!),
    amendmentsOfClinicalNote: limitedGroupLoaders(scope, notes.clinicalNotesByAmendedIds, (n) => n.amendsNoteId!),

    drugAllergyById: byId(allergies.drugAllergiesByIds),
    drugAllergiesOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => allergies.drugAllergiesByPatientIds(tx, org, ids, statuses, limit),
        (a) => a.patientId,
      ),
    ),

    prescriptionById: byId(prescriptions.prescriptionsByIds),
    prescriptionsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (tx, org, ids) => prescriptions.prescriptionsByPatientIds(tx, org, ids, statuses, limit),
        (p) => p.patientId,
      ),
    ),
    prescriptionsOfEncounter: limitedGroupLoaders(scope, prescriptions.prescriptionsByEncounterIds, (p) => p.encounterId!),
  };
}
