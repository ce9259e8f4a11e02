import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../visual-service.js';
import { visualId } from '../../workflow-ids.js';

export const compileVisualWorkflow: MutationResolvers['compileVisualWorkflow'] = (_root, { input }, ctx) =>
  service.compileVisualWorkflow(requireViewer(ctx), { ...input, id: visualId(input.id) });
