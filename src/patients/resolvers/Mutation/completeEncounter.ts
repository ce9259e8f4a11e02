import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { transitionEncounter } from '../../encounter-service.js';

export const completeEncounter: MutationResolvers['completeEncounter'] = async (_root, { input }, ctx) => ({
  encounter: await transitionEncounter(requireViewer(ctx), uuidFromId(input.id, 'Encounter'), input.version, 'COMPLETED', {
    dischargeDisposition: input.dischargeDisposition,
    draftNotesReason: input.draftNotesReason,
  }),
});
