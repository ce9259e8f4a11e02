import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import { compileDiagram } from './visual-compiler.js';
import * as repo from './visual-repository.js';
import * as service from './visual-service.js';

const visualId = (id: string) => uuidFromId(id, 'VisualWorkflow');
const optionalDefinitionId = (id: string | null | undefined, field: string) => (id ? uuidFromId(id, 'WorkflowDefinition', field) : null);

export const visualResolvers: Resolvers = {
  Query: {
    visualWorkflows: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'visualWorkflows:createdAt', ctx.deps.cursors);
      const definitionId = optionalDefinitionId(args.filter?.definitionId, 'filter.definitionId');
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.visualPage(tx, org, definitionId, page));
      for (const row of rows) loaders.visualWorkflowById.prime(row.id, row);
      return withTotalCount(
        toConnection(rows, page, (v) => [v.sortKey, v.id]),
        () => session.read((tx) => repo.countVisuals(tx, org, definitionId)),
      ) as never;
    },
    visualWorkflow: (_root, { id }, ctx) => ctx.loaders.visualWorkflowById.load(visualId(id)),
    workflowConfig: (_root, _args, ctx) => requireViewer(ctx).loaders.workflowConfig(),
  },
  Mutation: {
    saveVisualWorkflow: async (_root, { input }, ctx) => ({
      visualWorkflow: await service.saveVisualWorkflow(requireViewer(ctx), {
        ...input,
        definitionId: optionalDefinitionId(input.definitionId, 'definitionId'),
      }),
    }),
    updateVisualWorkflow: async (_root, { input }, ctx) => ({
      visualWorkflow: await service.updateVisualWorkflow(requireViewer(ctx), { ...input, id: visualId(input.id) }),
    }),
    compileVisualWorkflow: (_root, { input }, ctx) =>
      service.compileVisualWorkflow(requireViewer(ctx), { ...input, id: visualId(input.id) }),
    updateWorkflowConfig: async (_root, { input }, ctx) => ({ config: await service.updateWorkflowConfig(requireViewer(ctx), input) }),
  },
  VisualWorkflow: {
    id: (v) => toGlobalId('VisualWorkflow', v.id),
    visualWorkflowId: (v) => v.id,
    definition: (v, _args, ctx) => (v.definitionId ? ctx.loaders.workflowDefinitionById.load(v.definitionId) : null),
    validationErrors: (v) => compileDiagram(v.nodes, v.edges).errors,
    createdBy: (v, _args, ctx) => (v.createdBy ? ctx.loaders.userById.load(v.createdBy) : null),
  },
};
