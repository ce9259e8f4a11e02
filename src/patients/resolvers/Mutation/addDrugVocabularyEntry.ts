import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../drug-vocabulary-service.js';

export const addDrugVocabularyEntry: MutationResolvers['addDrugVocabularyEntry'] = async (_root, { input }, ctx) => ({
  entry: await service.addDrugVocabularyEntry(requireViewer(ctx), {
    name: input.name,
    ingredients: input.ingredients ?? [],
    allergyClasses: input.allergyClasses ?? [],
  }),
});
