import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { notFound } from '../kernel/errors.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import { nodeFetcher, type DomainModule } from '../domain-module.js';
import * as repo from './repository.js';
import * as service from './service.js';

const resolvers: Resolvers = {
  Query: {
    me: async (_root, _args, ctx) => {
      const { viewer, loaders } = requireViewer(ctx);
      const user = await loaders.userById.load(viewer.userId);
      if (!user) throw notFound('User');
      return user;
    },
    myOrganization: async (_root, _args, ctx) => {
      const { viewer, loaders } = requireViewer(ctx);
      const organization = await loaders.organizationById.load(viewer.organizationId);
      if (!organization) throw notFound('Organization');
      return organization;
    },
    user: (_root, { id }, ctx) => ctx.loaders.userById.load(uuidFromId(id, 'User')),
    users: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'users:displayName', ctx.deps.cursors);
      const filter = args.filter ?? {};
      const rows = await session.read((tx) => repo.userPage(tx, session.scope.organizationId, filter, page));
      for (const row of rows) loaders.userById.prime(row.id, row);
      return withTotalCount(
        toConnection(rows, page, (u) => [u.displayName, u.id]),
        () => session.read((tx) => repo.countUsers(tx, session.scope.organizationId, filter)),
      ) as never;
    },
  },
  Mutation: {
    login: (_root, { input }, ctx) => service.login(ctx, input),
    refreshSession: (_root, { input }, ctx) => service.refreshSession(ctx, input.refreshToken),
    logout: async (_root, { input }, ctx) => ({ revoked: await service.logout(ctx, input.refreshToken) }),
    createUser: async (_root, { input }, ctx) => ({ user: await service.createUser(requireViewer(ctx), input) }),
    updateUser: async (_root, { input }, ctx) => {
      const { id, version, ...changes } = input;
      return { user: await service.updateUser(requireViewer(ctx), uuidFromId(id, 'User'), version, changes) };
    },
    deactivateUser: async (_root, { id }, ctx) => ({
      user: await service.deactivateUser(requireViewer(ctx), uuidFromId(id, 'User')),
    }),
    assignRole: async (_root, { input }, ctx) => ({
      user: await service.changeRole(requireViewer(ctx), uuidFromId(input.userId, 'User', 'userId'), input.role, true),
    }),
    revokeRole: async (_root, { input }, ctx) => ({
      user: await service.changeRole(requireViewer(ctx), uuidFromId(input.userId, 'User', 'userId'), input.role, false),
    }),
  },
  User: {
    id: (u) => toGlobalId('User', u.id),
    userId: (u) => u.id,
    // Sign-in payloads carry roles already; elsewhere they are batch-loaded.
    roles: async (u, _args, ctx) =>
      ('roles' in u ? (u.roles as string[]) : (await ctx.loaders.rolesByUserId.load(u.id)).map((r) => r.roleCode)) as never,
  },
  Organization: {
    id: (o) => toGlobalId('Organization', o.id),
    organizationId: (o) => o.id,
  },
};

export const identityModule: DomainModule = {
  resolvers,
  nodes: {
    User: nodeFetcher('User', 'users:read', (ctx, uuid) => ctx.loaders.userById.load(uuid)),
    Organization: nodeFetcher('Organization', null, (ctx, uuid) => ctx.loaders.organizationById.load(uuid)),
  },
};
