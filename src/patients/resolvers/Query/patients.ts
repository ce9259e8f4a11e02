import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { badInput } from '../../../kernel/errors.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import { selectionOf } from '../../../kernel/selection.js';
import { patientListFilter } from '../../patient-filters.js';
import { patientPrefetch } from '../../patient-prefetch.js';
import { countPatients, patientPage, patientPageWithBundles, type PatientListRow } from '../../patient-repository.js';

export const patients: QueryResolvers['patients'] = async (_root, args, ctx, info) => {
  const viewerCtx = requireViewer(ctx);
  const { session, loaders } = viewerCtx;
  const ordering = args.orderBy?.field ?? 'NAME';
  const descending = args.orderBy?.direction === 'DESC';
  const page = pageRequest(args, `patients:${ordering}:${descending ? 'DESC' : 'ASC'}`, ctx.deps.cursors);
  const filter = patientListFilter(args.filter);
  if (filter.bornFrom && filter.bornTo && filter.bornFrom > filter.bornTo) {
    throw badInput('filter.bornFrom must not be after filter.bornTo', 'filter.bornFrom');
  }
  const org = session.scope.organizationId;
  const prefetch = patientPrefetch(viewerCtx, selectionOf(info, ['edges', 'node']));
  const spec = { filter, ordering, ascending: page.forward !== descending, page };
  // The chart relations the selection asks for come in the page's statement; without any, the bare page.
  let rows: PatientListRow[];
  if (prefetch) {
    const bundled = await session.read((tx) => patientPageWithBundles(tx, org, spec, prefetch.request));
    prefetch.prime(viewerCtx, bundled.map((r) => r.id), bundled);
    rows = bundled;
  } else {
    rows = await session.read((tx) => patientPage(tx, org, spec));
  }
  for (const row of rows) loaders.patientById.prime(row.id, row);
  const key = (p: PatientListRow) => (ordering === 'NAME' ? [p.lastName, p.firstName, p.id] : [p.sortKey, p.id]);
  const connection = toConnection(rows, page, key);
  session.notePatientAccess(connection.edges.map((e) => e.node.id));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => countPatients(tx, org, filter, limit));
};
