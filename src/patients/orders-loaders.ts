import { createConnectionLoader, createPatientRecordLoader, createGroupLoader, createByIdLoader, createLoader, limitedGroupLoaders, loaderFamily, type BatchRead, type LoaderScope, createCountLoader } from '../kernel/loaders.js';
import type { PageRequest } from '../kernel/pagination.js';
import * as findings from './anatomy-finding-repository.js';
import * as bodySystems from './body-system-repository.js';
import * as imaging from './imaging-order-repository.js';
import type { StatusPage } from './chart-loaders.js';
import * as labHistory from './lab-result-history-repository.js';
import * as labs from './lab-test-repository.js';

/**
 * Lab tests and results, imaging orders, anatomy findings and body systems,
 * batched per request. Loading a record by id is recorded as PHI access of its
 * patient; lists hang off a patient or encounter that was recorded already.
 */
export function ordersLoaders(scope: LoaderScope) {
  const byId = <R extends { id: string; patientId: string }>(read: BatchRead<R>) => createPatientRecordLoader(scope, read);
  const byParent = <R>(read: BatchRead<R>, parentOf: (row: R) => string) => createGroupLoader(scope, read, parentOf);
  return {
    labTestById: byId(labs.labTestsByIds),
    labTestsOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      byParent((tx, org, ids) => labs.labTestsByPatientIds(tx, org, ids, statuses, limit), (t) => t.patientId),
    ),
    labTestsOfEncounter: limitedGroupLoaders(scope, labs.labTestsByEncounterIds, (t) => t.encounterId!),
    labResultById: byId(labs.labResultsByIds),
    labResultsOfLabTest: limitedGroupLoaders(scope, labs.labResultsByLabTestIds, (r) => r.labTestId),
    labResultsOfPatient: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => labs.labResultsOfPatients.pages(tx, org, ids, null, page),
        (r) => r.patientId,
        page,
        (r) => [r.sortKey, r.id],
      ),
    ),
    /** The later result that replaced a result (corrections and finalizations). */
    supersessionOfLabResult: createLoader(scope, labHistory.supersessionsBySupersededIds, (s) => s.supersededId),
    /** The earlier results a result replaced, corrections first. */
    supersessionsByLabResult: byParent(labHistory.supersessionsBySupersedingIds, (s) => s.supersedingId),
    labResultCountOfPatient: createCountLoader(scope, (tx, org, ids) => labs.labResultsOfPatients.counts(tx, org, ids, null)),
    imagingOrderById: byId(imaging.imagingOrdersByIds),
    imagingOrdersOfPatient: loaderFamily(({ statuses, limit }: StatusPage) =>
      byParent((tx, org, ids) => imaging.imagingOrdersByPatientIds(tx, org, ids, statuses, limit), (o) => o.patientId),
    ),
    imagingOrdersOfEncounter: limitedGroupLoaders(scope, imaging.imagingOrdersByEncounterIds, (o) => o.encounterId!),
    anatomyFindingById: byId(findings.anatomyFindingsByIds),
    anatomyFindingsOfPatient: limitedGroupLoaders(scope, findings.anatomyFindingsByPatientIds, (f) => f.patientId),
    anatomyFindingsOfEncounter: limitedGroupLoaders(scope, findings.anatomyFindingsByEncounterIds, (f) => f.encounterId!),
    /** Global reference data: not scoped to the organization, no PHI. */
    bodySystemById: createByIdLoader(scope, (tx, _org, ids) => bodySystems.bodySystemsByIds(tx, ids)),
  };
}
