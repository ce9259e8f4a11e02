import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { allBodySystems } from '../../body-system-repository.js';

export const bodySystems: QueryResolvers['bodySystems'] = async (_root, _args, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const rows = await session.read((tx) => allBodySystems(tx));
  for (const row of rows) loaders.bodySystemById.prime(row.id, row);
  return rows;
};
