import type { OpdQueueEventResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

/** A queue notice is delivered with ids only; the entry and department are read afresh with the subscriber's permissions. */
export const OpdQueueEvent: OpdQueueEventResolvers = {
  department: async (n, _args, ctx) => (await ctx.loaders.departmentById.load(n.departmentId))!,
  entryId: (n) => (n.entryId ? toGlobalId('OpdQueueEntry', n.entryId) : null),
  entry: (n, _args, ctx) => (n.entryId ? ctx.loaders.opdQueueEntryById.load(n.entryId) : null),
};
