import type { VisualWorkflowResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { compileDiagram } from '../visual-compiler.js';

export const VisualWorkflow: VisualWorkflowResolvers = {
  id: (v) => toGlobalId('VisualWorkflow', v.id),
  visualWorkflowId: (v) => v.id,
  definition: (v, _args, ctx) => (v.definitionId ? ctx.loaders.workflowDefinitionById.load(v.definitionId) : null),
  validationErrors: (v) => compileDiagram(v.nodes, v.edges).errors,
  createdBy: (v, _args, ctx) => (v.createdBy ? ctx.loaders.userById.load(v.createdBy) : null),
};
