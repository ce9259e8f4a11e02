import type { QueryResolvers } from '../../../generated/graphql.js';
import { definitionId } from '../../workflow-ids.js';

export const workflowDefinition: QueryResolvers['workflowDefinition'] = (_root, { id }, ctx) =>
  ctx.loaders.workflowDefinitionById.load(definitionId(id));
