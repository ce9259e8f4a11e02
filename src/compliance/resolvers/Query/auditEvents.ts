import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../audit-trail-repository.js';
import { isoRange } from '../../compliance-rules.js';

export const auditEvents: QueryResolvers['auditEvents'] = async (_root, args, ctx) => {
  const { session } = requireViewer(ctx);
  const page = pageRequest(args, 'auditEvents:occurredAt', ctx.deps.cursors);
  const f = args.filter;
  const filter: repo.AuditEventFilter = {
    entityType: f?.entityType?.trim() || null,
    entityId: f?.entityId ?? null,
    actorId: optionalUuidFromId(f?.actorId, 'User', 'filter.actorId'),
    action: f?.action?.trim() || null,
    outcome: f?.outcome ?? null,
    ...isoRange({ from: f?.from ?? null, to: f?.to ?? null }, 'filter.from'),
  };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.auditEventPage(tx, org, filter, page));
  const connection = toConnection(rows, page, (e) => [e.sortKey, e.id]);
  // Events about a patient's record show what was done to it (and, to ORG_ADMIN, the values): a PHI access.
  session.notePatientAccess(connection.edges.flatMap((e) => (e.node.patientId ? [e.node.patientId] : [])));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countAuditEvents(tx, org, filter, limit));
};
