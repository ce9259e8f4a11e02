import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { markVitalSignsEnteredInError as mark } from '../../vital-signs-service.js';

export const markVitalSignsEnteredInError: MutationResolvers['markVitalSignsEnteredInError'] = async (_root, { input }, ctx) => ({
  vitalSigns: await mark(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'VitalSigns') }),
});
