import type { WorkflowDefinitionResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const WorkflowDefinition: WorkflowDefinitionResolvers = {
  id: (d) => toGlobalId('WorkflowDefinition', d.id),
  workflowDefinitionId: (d) => d.id,
  // A deactivated version is never reported as the default, whatever its stored flag.
  isDefault: (d) => d.isDefault && d.isActive,
  stateMachineJson: (d) => d.stateMachine as unknown as Record<string, unknown>,
  createdBy: (d, _args, ctx) => (d.createdBy ? ctx.loaders.userById.load(d.createdBy) : null),
};
