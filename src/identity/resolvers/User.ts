import type { UserResolvers } from '../../generated/graphql.js';
import { isRole } from '../../kernel/auth/permissions.js';
import { toGlobalId } from '../../kernel/global-id.js';

export const User: UserResolvers = {
  id: (u) => toGlobalId('User', u.id),
  userId: (u) => u.id,
  // Sign-in payloads carry roles already; elsewhere they are batch-loaded. `user_roles.role_code`
  // references roles(code), so every stored code passes the check, which only narrows the type.
  roles: async (u, _args, ctx) =>
    ('roles' in u ? (u.roles as string[]) : (await ctx.loaders.rolesByUserId.load(u.id)).map((r) => r.roleCode)).filter(isRole),
};
