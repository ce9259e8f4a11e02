import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import { timeWindow } from '../../../kernel/validation.js';
import * as repo from '../../appointment-repository.js';

export const appointments: QueryResolvers['appointments'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const f = args.filter;
  const filter: repo.AppointmentListFilter = {
    providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
    departmentId: optionalUuidFromId(f?.departmentId, 'Department', 'filter.departmentId'),
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    statuses: f?.status?.length ? f.status : null,
    ...timeWindow(f?.from, f?.to, 'filter.from', 'filter.to'),
  };
  return rootListConnection(viewer, args, repo.appointmentList, filter, viewer.loaders.appointmentById);
};
