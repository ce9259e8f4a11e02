import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { transitionLabTest } from '../../lab-test-service.js';

export const verifyLabTest: MutationResolvers['verifyLabTest'] = async (_root, { input }, ctx) => ({
  labTest: await transitionLabTest(requireViewer(ctx), uuidFromId(input.id, 'LabTest'), input.version, 'VERIFIED'),
});
