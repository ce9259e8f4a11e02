import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { notFound } from '../../../kernel/errors.js';

export const me: QueryResolvers['me'] = async (_root, _args, ctx) => {
  const { viewer, loaders } = requireViewer(ctx);
  const user = await loaders.userById.load(viewer.userId);
  if (!user) throw notFound('User');
  return user;
};
