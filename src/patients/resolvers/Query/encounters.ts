import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { badInput } from '../../../kernel/errors.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { pageRequest, toConnection } from '../../../kernel/pagination.js';
import { withCounts } from '../../../kernel/counting.js';
import * as repo from '../../encounter-repository.js';

export const encounters: QueryResolvers['encounters'] = async (_root, args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const page = pageRequest(args, 'encounters:encounterAt', ctx.deps.cursors);
  const f = args.filter;
  const filter: repo.EncounterListFilter = {
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
    statuses: f?.status?.length ? f.status : null,
    types: f?.type?.length ? f.type : null,
    from: f?.from ?? null,
    to: f?.to ?? null,
  };
  if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to', 'filter.from');
  const org = session.scope.organizationId;
  const rows = await session.read((tx) => repo.encounterPage(tx, org, filter, page));
  for (const row of rows) loaders.encounterById.prime(row.id, row);
  const connection = toConnection(rows, page, (e) => [e.sortKey, e.id]);
  session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
  return withCounts(connection, session, ctx.deps.config.totalCountExactLimit, (tx, limit) => repo.countEncounters(tx, org, filter, limit));
};
