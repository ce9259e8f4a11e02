import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import * as service from './report-service.js';

export const reportResolvers: Resolvers = {
  Query: {
    revenueReport: (_root, { from, to, groupBy }, ctx) => service.revenueReport(requireViewer(ctx), from, to, groupBy),
    receivablesAging: (_root, { asOf }, ctx) => service.receivablesAging(requireViewer(ctx), asOf ?? null),
  },
};
