import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { badInput } from '../../../kernel/errors.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../appointment-repository.js';

export const appointments: QueryResolvers['appointments'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'appointments:startsAt', ctx.deps.cursors);
  const f = args.filter;
  const filter: repo.AppointmentListFilter = {
    from: f?.from ?? null,
    to: f?.to ?? null,
    providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
    departmentId: optionalUuidFromId(f?.departmentId, 'Department', 'filter.departmentId'),
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    statuses: f?.status?.length ? f.status : null,
  };
  if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to', 'filter.from');
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.appointmentPage(tx, org, filter, page));
  for (const row of rows) loaders.appointmentById.prime(row.id, row);
  const connection = toConnection(rows, page, (a) => [a.sortKey, a.id]);
  session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countAppointments(tx, org, filter, limit));
};
