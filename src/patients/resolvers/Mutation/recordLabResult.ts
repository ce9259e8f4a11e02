import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../lab-test-service.js';

export const recordLabResult: MutationResolvers['recordLabResult'] = (_root, { input }, ctx) =>
  service.recordLabResult(requireViewer(ctx), { ...input, labTestId: uuidFromId(input.labTestId, 'LabTest', 'labTestId') });
