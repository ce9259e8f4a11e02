import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../instance-service.js';
import { instanceId } from '../../workflow-ids.js';

export const transitionWorkflow: MutationResolvers['transitionWorkflow'] = (_root, { input }, ctx) =>
  service.transitionWorkflow(requireViewer(ctx), { ...input, instanceId: instanceId(input.instanceId, 'instanceId') });
