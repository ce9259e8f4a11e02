import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../instance-service.js';
import { entityId, optionalDefinitionId } from '../../workflow-ids.js';

export const startWorkflow: MutationResolvers['startWorkflow'] = (_root, { input }, ctx) =>
  service.startWorkflow(requireViewer(ctx), {
    ...input,
    definitionId: optionalDefinitionId(input.definitionId, 'definitionId'),
    entityId: entityId(input.entityId, input.entityType, 'entityId'),
  });
