import { requireViewer } from '../../../context.js';
import type { MutationResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import * as service from '../../department-service.js';

export const updateDepartment: MutationResolvers['updateDepartment'] = async (_root, { input: { id, version, ...changes } }, ctx) => ({
  department: await service.updateDepartment(requireViewer(ctx), uuidFromId(id, 'Department'), version, changes),
});
