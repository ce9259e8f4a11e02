import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { notFound } from '../../../kernel/errors.js';

export const myOrganization: QueryResolvers['myOrganization'] = async (_root, _args, ctx) => {
  const { viewer, loaders } = requireViewer(ctx);
  const organization = await loaders.organizationById.load(viewer.organizationId);
  if (!organization) throw notFound('Organization');
  return organization;
};
