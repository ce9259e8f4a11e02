import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../lab-result-history-repository.js';

export const criticalResults: QueryResolvers['criticalResults'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const orderedBy = optionalUuidFromId(args.orderedBy, 'User', 'orderedBy') ?? viewer.viewer.userId;
  return rootListConnection(viewer, args, repo.criticalResultList, orderedBy, viewer.loaders.labResultById);
};
