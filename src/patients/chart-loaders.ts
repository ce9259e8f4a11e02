import { createConnectionLoader, createPatientRecordLoader, createGroupLoader, createLoader, loaderFamily, type LoaderScope } from '../kernel/loaders.js';
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
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  const byId = <R extends { id: string; patientId: string }>(fetch: (ids: readonly string[]) => Promise<R[]>) =>
    createPatientRecordLoader(scope, fetch);
  return {
    problemById: byId((ids) => read((tx) => problems.problemsByIds(tx, org, ids))),
    problemsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => problems.problemsByPatientIds(tx, org, ids, statuses, limit)),
        (p) => p.patientId,
      ),
    ),
    problemsOfEncounter: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => problems.problemsByEncounterIds(tx, org, ids, limit)),
        (p) => p.encounterId!,
      ),
    ),

    clinicalNoteById: byId((ids) => read((tx) => notes.clinicalNotesByIds(tx, org, ids))),
    clinicalNotesOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (ids) => read((tx) => notes.clinicalNotePagesByPatientIds(tx, org, ids, page)),
        (n) => n.patientId,
        page,
        (n) => [n.sortKey, n.id],
      ),
    ),
    clinicalNoteCountOfPatient: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => notes.clinicalNoteCountsByPatientIds(tx, org, ids)),
      (r) => r.patientId,
    ),
    clinicalNotesOfEncounter: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => notes.clinicalNotesByEncounterIds(tx, org, ids, limit)),
        (n) => n.encounterId!,
      ),
    ),
    amendmentsOfClinicalNote: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => notes.clinicalNotesByAmendedIds(tx, org, ids, limit)),
        (n) => n.amendsNoteId!,
      ),
    ),

    drugAllergyById: byId((ids) => read((tx) => allergies.drugAllergiesByIds(tx, org, ids))),
    drugAllergiesOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => allergies.drugAllergiesByPatientIds(tx, org, ids, statuses, limit)),
        (a) => a.patientId,
      ),
    ),

    prescriptionById: byId((ids) => read((tx) => prescriptions.prescriptionsByIds(tx, org, ids))),
    prescriptionsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => prescriptions.prescriptionsByPatientIds(tx, org, ids, statuses, limit)),
        (p) => p.patientId,
      ),
    ),
    prescriptionsOfEncounter: loaderFamily((limit: number) =>
      createGroupLoader(
        scope,
        (ids: readonly string[]) => read((tx) => prescriptions.prescriptionsByEncounterIds(tx, org, ids, limit)),
        (p) => p.encounterId!,
      ),
    ),
  };
}
