import type { OrganizationResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const Organization: OrganizationResolvers = {
  id: (o) => toGlobalId('Organization', o.id),
  organizationId: (o) => o.id,
};
