import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../patient-service.js';

export const createPatient: MutationResolvers['createPatient'] = async (_root, { input }, ctx) => ({
  patient: await service.createPatient(requireViewer(ctx), input),
});
