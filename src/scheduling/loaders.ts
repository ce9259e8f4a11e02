import { createConnectionLoader, createLoader, loaderFamily, type LoaderScope } from '../kernel/loaders.js';
import type { PageRequest } from '../kernel/pagination.js';
import * as appointments from './appointment-repository.js';
import * as departments from './department-repository.js';
import * as queue from './opd-queue-repository.js';
import { DEFAULT_CONSULTATION_MINUTES } from './opd-queue-rules.js';

/** Departments, appointments and OPD queue entries, batched per request. Appointments and queue entries are PHI. */
export function schedulingLoaders(scope: LoaderScope) {
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  return {
    departmentById: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => departments.departmentsByIds(tx, org, ids)),
      (d) => d.id,
    ),
    appointmentById: createLoader(
      scope,
      async (ids: readonly string[]) => {
        const rows = await read((tx) => appointments.appointmentsByIds(tx, org, ids));
        scope.notePatientAccess(rows.map((r) => r.patientId));
        return rows;
      },
      (a) => a.id,
    ),
    appointmentsOfPatient: loaderFamily((args: { page: PageRequest; statuses: string[] | null; from: Date | null }) =>
      createConnectionLoader(
        scope,
        (ids) => read((tx) => appointments.appointmentPagesByPatientIds(tx, org, ids, args.statuses, args.from, args.page)),
        (a) => a.patientId,
        args.page,
        (a) => [a.sortKey, a.id],
      ),
    ),
    appointmentCountOfPatient: loaderFamily((args: { statuses: string[] | null; from: Date | null }) =>
      createLoader(
        scope,
        (ids: readonly string[]) => read((tx) => appointments.appointmentCountsByPatientIds(tx, org, ids, args.statuses, args.from)),
        (c) => c.patientId,
      ),
    ),
    opdQueueEntryById: createLoader(
      scope,
      async (ids: readonly string[]) => {
        const rows = await read((tx) => queue.opdQueueEntriesByIds(tx, org, ids));
        scope.notePatientAccess(rows.map((r) => r.patientId));
        return rows;
      },
      (e) => e.id,
    ),
    opdQueueEntryOfAppointment: createLoader(
      scope,
      async (ids: readonly string[]) => {
        const rows = await read((tx) => queue.opdQueueEntriesByAppointmentIds(tx, org, ids));
        scope.notePatientAccess(rows.map((r) => r.patientId));
        return rows;
      },
      (e) => e.appointmentId!,
    ),
    opdQueueStandingById: createLoader(
      scope,
      (ids: readonly string[]) => read((tx) => queue.opdQueueStandingsByIds(tx, org, ids, DEFAULT_CONSULTATION_MINUTES)),
      (s) => s.entryId,
    ),
  };
}
