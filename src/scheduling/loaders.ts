import { createConnectionLoader, createByIdLoader, createLoader, createPatientRecordLoader, loaderFamily, notingAccess, type LoaderScope, createCountLoader } from '../kernel/loaders.js';
import type { PageRequest } from '../kernel/pagination.js';
import * as appointments from './appointment-repository.js';
import * as departments from './department-repository.js';
import * as queue from './opd-queue-repository.js';
import { DEFAULT_CONSULTATION_MINUTES } from './opd-queue-rules.js';

/** Departments, appointments and OPD queue entries, batched per request. Appointments and queue entries are PHI. */
export function schedulingLoaders(scope: LoaderScope) {
  return {
    departmentById: createByIdLoader(scope, departments.departmentsByIds),
    appointmentById: createPatientRecordLoader(scope, appointments.appointmentsByIds),
    appointmentsOfPatient: loaderFamily((args: { page: PageRequest; statuses: string[] | null; from: Date | null }) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => appointments.appointmentsOfPatients.pages(tx, org, ids, args, args.page),
        (a) => a.patientId,
        args.page,
        (a) => [a.sortKey, a.id],
      ),
    ),
    appointmentCountOfPatient: loaderFamily((args: { statuses: string[] | null; from: Date | null }) =>
      createCountLoader(scope, (tx, org, ids) => appointments.appointmentsOfPatients.counts(tx, org, ids, args)),
    ),
    opdQueueEntryById: createPatientRecordLoader(scope, queue.opdQueueEntriesByIds),
    opdQueueEntryOfAppointment: createLoader(
      scope,
      notingAccess(scope, queue.opdQueueEntriesByAppointmentIds, (rows) => rows.map((e) => e.patientId)),
      (e) => e.appointmentId!,
    ),
    opdQueueStandingById: createLoader(
      scope,
      (tx, org, ids) => queue.opdQueueStandingsByIds(tx, org, ids, DEFAULT_CONSULTATION_MINUTES),
      (s) => s.entryId,
    ),
  };
}
