import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { selectionOf } from '../../../kernel/selection.js';
import { prefetchPatientRelations } from '../../patient-prefetch.js';

export const patient: QueryResolvers['patient'] = async (_root, { id }, ctx, info) => {
  const uuid = uuidFromId(id, 'Patient');
  const [row] = await Promise.all([
    ctx.loaders.patientById.load(uuid),
    ctx.viewer && ctx.session ? prefetchPatientRelations(requireViewer(ctx), [uuid], selectionOf(info)) : null,
  ]);
  return row;
};
