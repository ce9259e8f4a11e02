import type { ClinicalNoteResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { listLimit } from '../../kernel/pagination.js';

export const ClinicalNote: ClinicalNoteResolvers = {
  id: (n) => toGlobalId('ClinicalNote', n.id),
  clinicalNoteId: (n) => n.id,
  patient: async (n, _args, ctx) => (await ctx.loaders.patientById.load(n.patientId))!,
  encounter: (n, _args, ctx) => (n.encounterId ? ctx.loaders.encounterById.load(n.encounterId) : null),
  author: async (n, _args, ctx) => (await ctx.loaders.userById.load(n.authorId))!,
  cosigner: async (n, _args, ctx) => {
    // Rows prefetched by the patient bundle carry no cosignerId: read the note itself then.
    const cosignerId = Object.hasOwn(n, 'cosignerId') ? n.cosignerId : (await ctx.loaders.clinicalNoteById.load(n.id))?.cosignerId;
    return cosignerId ? ctx.loaders.userById.load(cosignerId) : null;
  },
  signedBy: (n, _args, ctx) => (n.signedBy ? ctx.loaders.userById.load(n.signedBy) : null),
  amends: (n, _args, ctx) => (n.amendsNoteId ? ctx.loaders.clinicalNoteById.load(n.amendsNoteId) : null),
  amendments: (n, { first }, ctx) => ctx.loaders.amendmentsOfClinicalNote(listLimit(first)).load(n.id),
};
