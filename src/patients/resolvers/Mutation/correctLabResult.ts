import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { correctLabResult as correct } from '../../lab-result-correction-service.js';

export const correctLabResult: MutationResolvers['correctLabResult'] = (_root, { input }, ctx) =>
  correct(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'LabResult') });
