import { requireViewer } from '../context.js';
import type { RequestContext } from '../context.js';
import { assertPermission } from '../kernel/auth/viewer.js';
import { asNode } from '../kernel/node-registry.js';
import type { DomainModule } from '../domain-module.js';
import { definitionResolvers } from './definition-resolvers.js';
import { instanceResolvers } from './instance-resolvers.js';
import { taskResolvers } from './task-resolvers.js';
import { visualResolvers } from './visual-resolvers.js';

/** Node fetchers: every workflow type needs WORKFLOWS_READ. */
const readable = <T extends object>(type: string, load: (ctx: RequestContext, uuid: string) => Promise<T | null>) =>
  async (ctx: RequestContext, uuid: string) => {
    assertPermission(requireViewer(ctx).viewer, 'workflows:read');
    return asNode(type, await load(ctx, uuid));
  };

/** Configurable state machines, running instances with history, human tasks, settings and designer documents. */
export const workflowsModule: DomainModule = {
  resolvers: [definitionResolvers, instanceResolvers, taskResolvers, visualResolvers],
  nodes: {
    WorkflowDefinition: readable('WorkflowDefinition', (ctx, id) => ctx.loaders.workflowDefinitionById.load(id)),
    WorkflowInstance: readable('WorkflowInstance', (ctx, id) => ctx.loaders.workflowInstanceById.load(id)),
    WorkflowTransition: readable('WorkflowTransition', (ctx, id) => ctx.loaders.workflowTransitionById.load(id)),
    WorkflowTask: readable('WorkflowTask', (ctx, id) => ctx.loaders.workflowTaskById.load(id)),
    VisualWorkflow: readable('VisualWorkflow', (ctx, id) => ctx.loaders.visualWorkflowById.load(id)),
  },
};
