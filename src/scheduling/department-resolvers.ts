import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './department-repository.js';
import * as service from './department-service.js';

export const departmentResolvers: Resolvers = {
  Query: {
    department: (_root, { id }, ctx) => ctx.loaders.departmentById.load(uuidFromId(id, 'Department')),
    departments: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'departments:name', ctx.deps.cursors);
      const filter: repo.DepartmentListFilter = {
        active: args.filter?.active ?? null,
        types: args.filter?.type?.length ? args.filter.type : null,
      };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.departmentPage(tx, org, filter, page));
      for (const row of rows) loaders.departmentById.prime(row.id, row);
      return withTotalCount(
        toConnection(rows, page, (d) => [d.name, d.id]),
        () => session.read((tx) => repo.countDepartments(tx, org, filter)),
      ) as never;
    },
  },
  Mutation: {
    createDepartment: async (_root, { input }, ctx) => ({ department: await service.createDepartment(requireViewer(ctx), input) }),
    updateDepartment: async (_root, { input: { id, version, ...changes } }, ctx) => ({
      department: await service.updateDepartment(requireViewer(ctx), uuidFromId(id, 'Department'), version, changes),
    }),
  },
  Department: {
    id: (d) => toGlobalId('Department', d.id),
    departmentId: (d) => d.id,
  },
};
