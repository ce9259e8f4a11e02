import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { statusFilter } from '../../../kernel/pagination.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import { daySpan } from '../../../kernel/validation.js';
import * as repo from '../../invoice-repository.js';

export const invoices: QueryResolvers['invoices'] = async (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const f = args.filter;
  const issued = daySpan(f?.issuedFrom, f?.issuedTo, 'filter.issuedFrom', 'filter.issuedTo');
  const clock = await viewer.loaders.billingClock();
  const filter: repo.InvoiceListFilter = {
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    statuses: statusFilter(f?.status),
    issuedFrom: issued.from,
    issuedTo: issued.to,
    overdue: f?.overdue ?? null,
    today: clock.today,
    timezone: clock.timezone,
  };
  return rootListConnection(viewer, args, repo.invoiceList, filter, viewer.loaders.invoiceById);
};
