import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../instance-service.js';
import { instanceId } from '../../workflow-ids.js';

export const cancelWorkflow: MutationResolvers['cancelWorkflow'] = async (_root, { input }, ctx) => ({
  instance: await service.cancelWorkflow(requireViewer(ctx), { ...input, instanceId: instanceId(input.instanceId, 'instanceId') }),
});
