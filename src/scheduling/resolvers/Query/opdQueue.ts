import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { notFound } from '../../../kernel/errors.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../opd-queue-repository.js';

export const opdQueue: QueryResolvers['opdQueue'] = async (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const departmentId = uuidFromId(args.departmentId, 'Department', 'departmentId');
  const statuses = args.status?.length ? [...args.status].sort() : null;
  if (!(await viewer.loaders.departmentById.load(departmentId))) throw notFound('Department', args.departmentId);
  const filter: repo.OpdQueueListFilter = { departmentId, date: args.date ?? null, statuses };
  return rootListConnection(viewer, args, repo.opdQueueList, filter, viewer.loaders.opdQueueEntryById);
};
