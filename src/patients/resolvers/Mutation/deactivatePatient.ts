import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../patient-service.js';

export const deactivatePatient: MutationResolvers['deactivatePatient'] = async (_root, { input }, ctx) => ({
  patient: await service.deactivatePatient(requireViewer(ctx), {
    id: uuidFromId(input.id, 'Patient'),
    version: input.version,
    status: input.status ?? 'INACTIVE',
    deceasedAt: input.deceasedAt ?? null,
  }),
});
