import { createConnectionLoader, createPatientRecordLoader, createGroupLoader, createLoader, loaderFamily, type LoaderScope } from '../kernel/loaders.js';
import type { PageRequest } from '../kernel/pagination.js';
import * as findings from './anatomy-finding-repository.js';
import * as bodySystems from './body-system-repository.js';
import * as imaging from './imaging-order-repository.js';
import type { StatusPage } from './chart-loaders.js';
import * as labs from './lab-test-repository.js';

/**
 * Lab tests and results, imaging orders, anatomy findings and body systems,
 * batched per request. Loading a record by id is recorded as PHI access of its
 * patient; lists hang off a patient or encounter that was recorded already.
 */
export function ordersLoaders(scope: LoaderScope) {
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  const byId = <R extends { id: string; patientId: string }>(fetch: (ids: readonly string[]) => Promise<R[]>) =>
    createPatientRecordLoader(scope, fetch);
  const byParent = <R>(fetch: (ids: readonly string[]) => Promise<R[]>, parentOf: (row: R) => string) =>
    createGroupLoader(scope, fetch, parentOf);
  return {
    labTestById: byId((ids) => read((tx) => labs.labTestsByIds(tx, org, ids))),
    labTestsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      byParent((ids) => read((tx) => labs.labTestsByPatientIds(tx, org, ids, statuses, limit)), (t) => t.patientId),
    ),
    labTestsOfEncounter: loaderFamily((limit: number) =>
      byParent((ids) => read((tx) => labs.labTestsByEncounterIds(tx, org, ids, limit)), (t) => t.encounterId!),
    ),
    labResultById: byId((ids) => read((tx) => labs.labResultsByIds(tx, org, ids))),
    labResultsOfLabTest: loaderFamily((limit: number) =>
      byParent((ids) => read((tx) => labs.labResultsByLabTestIds(tx, org, ids, limit)), (r) => r.labTestId),
    ),
    labResultsOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (ids) => read((tx) => labs.labResultPagesByPatientIds(tx, org, ids, page)),
        (r) => r.patientId,
        page,
        (r) => [r.sortKey, r.id],
      ),
    ),
    labResultCountOfPatient: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => labs.labResultCountsByPatientIds(tx, org, ids)),
      (r) => r.patientId,
    ),
    imagingOrderById: byId((ids) => read((tx) => imaging.imagingOrdersByIds(tx, org, ids))),
    imagingOrdersOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      byParent((ids) => read((tx) => imaging.imagingOrdersByPatientIds(tx, org, ids, statuses, limit)), (o) => o.patientId),
    ),
    imagingOrdersOfEncounter: loaderFamily((limit: number) =>
      byParent((ids) => read((tx) => imaging.imagingOrdersByEncounterIds(tx, org, ids, limit)), (o) => o.encounterId!),
    ),
    anatomyFindingById: byId((ids) => read((tx) => findings.anatomyFindingsByIds(tx, org, ids))),
    anatomyFindingsOfPatient: loaderFamily((limit: number) =>
      byParent((ids) => read((tx) => findings.anatomyFindingsByPatientIds(tx, org, ids, limit)), (f) => f.patientId),
    ),
    anatomyFindingsOfEncounter: loaderFamily((limit: number) =>
      byParent((ids) => read((tx) => findings.anatomyFindingsByEncounterIds(tx, org, ids, limit)), (f) => f.encounterId!),
    ),
    /** Global reference data: not scoped to the organization, no PHI. */
    bodySystemById: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => bodySystems.bodySystemsByIds(tx, ids)),
      (b) => b.id,
    ),
  };
}
