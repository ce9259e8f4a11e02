import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import * as service from '../../report-service.js';

export const revenueReport: QueryResolvers['revenueReport'] = (_root, { from, to, groupBy }, ctx) =>
  service.revenueReport(requireViewer(ctx), from, to, groupBy);
