import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../visual-repository.js';
import { optionalDefinitionId } from '../../workflow-ids.js';

export const visualWorkflows: QueryResolvers['visualWorkflows'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  return rootListConnection(viewer, args, repo.visualList, optionalDefinitionId(args.filter?.definitionId, 'filter.definitionId'), viewer.loaders.visualWorkflowById);
};
