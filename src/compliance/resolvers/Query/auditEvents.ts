import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../audit-trail-repository.js';
import { isoRange } from '../../compliance-rules.js';

export const auditEvents: QueryResolvers['auditEvents'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const f = args.filter;
  const filter: repo.AuditEventFilter = {
    entityType: f?.entityType?.trim() || null,
    entityId: f?.entityId ?? null,
    actorId: optionalUuidFromId(f?.actorId, 'User', 'filter.actorId'),
    action: f?.action?.trim() || null,
    outcome: f?.outcome ?? null,
    ...isoRange({ from: f?.from ?? null, to: f?.to ?? null }, 'filter.from'),
  };
  return rootListConnection(viewer, args, repo.auditEventList, filter);
};
