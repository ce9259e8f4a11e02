import { nodeFetcher, type DomainModule, type NodeFetcher, type NodeTypeName } from '../domain-module.js';
import { definitionResolvers } from './definition-resolvers.js';
import { instanceResolvers } from './instance-resolvers.js';
import { taskResolvers } from './task-resolvers.js';
import { visualResolvers } from './visual-resolvers.js';

/** Node fetchers: every workflow type needs WORKFLOWS_READ. */
const readable = (type: NodeTypeName, load: Parameters<typeof nodeFetcher>[2]): NodeFetcher => nodeFetcher(type, 'workflows:read', load);

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
