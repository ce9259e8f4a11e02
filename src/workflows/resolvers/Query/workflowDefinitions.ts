import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../definition-repository.js';

export const workflowDefinitions: QueryResolvers['workflowDefinitions'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const f = args.filter;
  const filter: repo.DefinitionListFilter = {
    entityType: f?.entityType ?? null,
    statuses: f?.status?.length ? f.status : null,
    definitionKey: f?.definitionKey?.trim().toLowerCase() || null,
    active: f?.active ?? null,
    isDefault: f?.isDefault ?? null,
  };
  return rootListConnection(viewer, args, repo.definitionList, filter, viewer.loaders.workflowDefinitionById);
};
