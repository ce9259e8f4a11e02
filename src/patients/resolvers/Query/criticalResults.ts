import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../lab-result-history-repository.js';

export const criticalResults: QueryResolvers['criticalResults'] = async (_root, args, ctx) => {
  const { session, loaders, viewer } = requireViewer(ctx);
  const orderedBy = optionalUuidFromId(args.orderedBy, 'User', 'orderedBy') ?? viewer.userId;
  const page = pageRequest(args, `criticalResults:${orderedBy}`, ctx.deps.cursors);
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.criticalResultPage(tx, org, orderedBy, page));
  for (const row of rows) loaders.labResultById.prime(row.id, row);
  const connection = toConnection(rows, page, (r) => [r.sortKey, r.id]);
  session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countCriticalResults(tx, org, orderedBy, limit));
};
