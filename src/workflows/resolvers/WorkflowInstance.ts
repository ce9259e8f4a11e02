import { requireViewer } from '../../context.js';
import type { WorkflowInstanceResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { connectionWithCount } from '../../kernel/loaders.js';
import { pageRequest } from '../../kernel/pagination.js';
import { availableTransitions, guardContext, stateOf } from '../workflow-rules.js';

export const WorkflowInstance: WorkflowInstanceResolvers = {
  id: (i) => toGlobalId('WorkflowInstance', i.id),
  workflowInstanceId: (i) => i.id,
  definition: async (i, _args, ctx) => (await ctx.loaders.workflowDefinitionById.load(i.definitionId))!,
  currentStateName: async (i, _args, ctx) => {
    const definition = await ctx.loaders.workflowDefinitionById.load(i.definitionId);
    return (definition && stateOf(definition.stateMachine, i.currentState)?.name) ?? i.currentState;
  },
  // User context plus the system keys (patientId), as guards read it.
  context: (i) => guardContext(i),
  startedBy: (i, _args, ctx) => (i.startedBy ? ctx.loaders.userById.load(i.startedBy) : null),
  availableTransitions: async (i, _args, ctx) => {
    const { viewer } = requireViewer(ctx);
    if (i.status !== 'ACTIVE') return [];
    const definition = await ctx.loaders.workflowDefinitionById.load(i.definitionId);
    return definition ? availableTransitions(definition.stateMachine, i.currentState, viewer) : [];
  },
  history: (i, args, ctx) => {
    const page = pageRequest(args, 'workflowInstance.history', ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.workflowHistoryOfInstance(page).load(i.id), () => ctx.loaders.workflowHistoryCountOfInstance.load(i.id));
  },
  tasks: (i, args, ctx) => {
    const page = pageRequest(args, 'workflowInstance.tasks', ctx.deps.cursors);
    const statuses = args.status?.length ? [...args.status].sort() : null;
    return connectionWithCount(ctx.loaders.workflowTasksOfInstance({ page, statuses }).load(i.id), () => ctx.loaders.workflowTaskCountOfInstance(statuses).load(i.id));
  },
};
