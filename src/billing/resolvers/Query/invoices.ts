import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { badInput } from '../../../kernel/errors.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, statusFilter, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../invoice-repository.js';

export const invoices: QueryResolvers['invoices'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'invoices:number', ctx.deps.cursors);
  const f = args.filter;
  if (f?.issuedFrom && f.issuedTo && f.issuedFrom > f.issuedTo) {
    throw badInput('filter.issuedFrom must not be after filter.issuedTo', 'filter.issuedFrom');
  }
  const clock = await loaders.billingClock();
  const filter: repo.InvoiceListFilter = {
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    statuses: statusFilter(f?.status),
    issuedFrom: f?.issuedFrom ?? null,
    issuedTo: f?.issuedTo ?? null,
    overdue: f?.overdue ?? null,
    today: clock.today,
    timezone: clock.timezone,
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.invoicePage(tx, org, filter, page));
  for (const row of rows) loaders.invoiceById.prime(row.id, row);
  const connection = toConnection(rows, page, (i) => [i.invoiceSeq]);
  session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countInvoices(tx, org, filter, limit));
};
