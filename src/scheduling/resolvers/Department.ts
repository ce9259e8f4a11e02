import type { DepartmentResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const Department: DepartmentResolvers = {
  id: (d) => toGlobalId('Department', d.id),
  departmentId: (d) => d.id,
};
