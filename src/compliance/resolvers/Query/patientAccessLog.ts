import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../audit-trail-repository.js';
import { isoRange } from '../../compliance-rules.js';
import { patientUnderReview } from '../../patient-access.js';

export const patientAccessLog: QueryResolvers['patientAccessLog'] = async (_root, args, ctx) => {
  const tenant = requireViewer(ctx);
  const page = pageRequest(args, 'patientAccessLog:occurredAt', ctx.deps.cursors);
  const range = isoRange({ from: args.from ?? null, to: args.to ?? null }, 'from');
  const patientId = await patientUnderReview(tenant, args.patientId);
  const { session } = tenant;
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.patientAccessPage(tx, org, patientId, range, page));
  const connection = toConnection(rows, page, (e) => [e.sortKey, e.id]);
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countPatientAccess(tx, org, patientId, range, limit));
};
