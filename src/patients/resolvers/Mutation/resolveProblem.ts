import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../problem-service.js';

export const resolveProblem: MutationResolvers['resolveProblem'] = async (_root, { input }, ctx) => ({
  problem: await service.resolveProblem(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Problem') }),
});
