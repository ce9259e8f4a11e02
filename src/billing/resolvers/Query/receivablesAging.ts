import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import * as service from '../../report-service.js';

export const receivablesAging: QueryResolvers['receivablesAging'] = (_root, { asOf }, ctx) =>
  service.receivablesAging(requireViewer(ctx), asOf ?? null);
