import type { BodySystemResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const BodySystem: BodySystemResolvers = {
  id: (b) => toGlobalId('BodySystem', b.id),
  bodySystemId: (b) => b.id,
};
