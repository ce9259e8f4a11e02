import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { markAllergyEnteredInError as mark } from '../../drug-allergy-service.js';

export const markAllergyEnteredInError: MutationResolvers['markAllergyEnteredInError'] = async (_root, { input }, ctx) => ({
  drugAllergy: await mark(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'DrugAllergy') }),
});
