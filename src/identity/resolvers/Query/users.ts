import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../repository.js';

export const users: QueryResolvers['users'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  return rootListConnection(viewer, args, repo.userList, args.filter ?? {}, viewer.loaders.userById);
};
