import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../department-repository.js';

export const departments: QueryResolvers['departments'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const filter: repo.DepartmentListFilter = {
    active: args.filter?.active ?? null,
    types: args.filter?.type?.length ? args.filter.type : null,
  };
  return rootListConnection(viewer, args, repo.departmentList, filter, viewer.loaders.departmentById);
};
