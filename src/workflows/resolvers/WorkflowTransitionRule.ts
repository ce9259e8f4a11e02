import type { Permission, WorkflowTransitionRuleResolvers } from '../../generated/graphql.js';

export const WorkflowTransitionRule: WorkflowTransitionRuleResolvers = {
  allowedPermissions: (t) => (t.allowedPermissions ?? []) as Permission[],
  reenter: (t) => t.reenter === true,
};
