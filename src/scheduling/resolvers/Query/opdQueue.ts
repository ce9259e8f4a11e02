import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { notFound } from '../../../kernel/errors.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../opd-queue-repository.js';

export const opdQueue: QueryResolvers['opdQueue'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const departmentId = uuidFromId(args.departmentId, 'Department', 'departmentId');
  const statuses = args.status?.length ? [...args.status].sort() : null;
  const page = pageRequest(args, `opdQueue:${departmentId}:${args.date ?? 'today'}:${statuses?.join(',') ?? '*'}`, ctx.deps.cursors);
  if (!(await loaders.departmentById.load(departmentId))) throw notFound('Department', args.departmentId);
  const filter: repo.OpdQueueListFilter = { departmentId, date: args.date ?? null, statuses };
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.opdQueuePage(tx, org, filter, page));
  for (const row of rows) loaders.opdQueueEntryById.prime(row.id, row);
  const connection = toConnection(rows, page, (e) => [e.stage, e.priorityRank, e.tokenNumber]);
  session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countOpdQueue(tx, org, filter, limit));
};
