import type { DrugVocabularyEntryResolvers } from '../../generated/graphql.js';

export const DrugVocabularyEntry: DrugVocabularyEntryResolvers = {
  drugVocabularyEntryId: (e) => e.id,
  name: (e) => e.displayName,
  normalizedName: (e) => e.term,
  allergyClasses: (e) => e.classCodes,
};
