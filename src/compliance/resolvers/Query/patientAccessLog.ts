import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import * as repo from '../../audit-trail-repository.js';
import { isoRange } from '../../compliance-rules.js';
import { patientUnderReview } from '../../patient-access.js';

export const patientAccessLog: QueryResolvers['patientAccessLog'] = async (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const range = isoRange({ from: args.from ?? null, to: args.to ?? null }, 'from');
  const patientId = await patientUnderReview(viewer, args.patientId);
  return rootListConnection(viewer, args, repo.patientAccessList, { patientId, range });
};
