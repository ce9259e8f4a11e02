import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../department-service.js';

export const createDepartment: MutationResolvers['createDepartment'] = async (_root, { input }, ctx) => ({
  department: await service.createDepartment(requireViewer(ctx), input),
});
