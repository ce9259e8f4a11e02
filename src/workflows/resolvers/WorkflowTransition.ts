import type { WorkflowTransitionResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const WorkflowTransition: WorkflowTransitionResolvers = {
  id: (t) => toGlobalId('WorkflowTransition', t.id),
  workflowTransitionId: (t) => t.id,
  actor: (t, _args, ctx) => (t.actorId ? ctx.loaders.userById.load(t.actorId) : null),
};
