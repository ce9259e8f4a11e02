import type { WorkflowStateResolvers } from '../../generated/graphql.js';

export const WorkflowState: WorkflowStateResolvers = {
  actions: (s) => s.actions ?? [],
};
