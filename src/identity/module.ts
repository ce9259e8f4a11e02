import { nodeFetcher, type DomainModule } from '../kernel/domain-module.js';
import { assignRole } from './resolvers/Mutation/assignRole.js';
import { createUser } from './resolvers/Mutation/createUser.js';
import { deactivateUser } from './resolvers/Mutation/deactivateUser.js';
import { login } from './resolvers/Mutation/login.js';
import { logout } from './resolvers/Mutation/logout.js';
import { refreshSession } from './resolvers/Mutation/refreshSession.js';
import { revokeRole } from './resolvers/Mutation/revokeRole.js';
import { updateUser } from './resolvers/Mutation/updateUser.js';
import { Organization } from './resolvers/Organization.js';
import { me } from './resolvers/Query/me.js';
import { myOrganization } from './resolvers/Query/myOrganization.js';
import { user } from './resolvers/Query/user.js';
import { users } from './resolvers/Query/users.js';
import { User } from './resolvers/User.js';

/** Users, organizations, roles and sessions (sign-in, refresh, sign-out). */
export const identityModule: DomainModule = {
  resolvers: {
    Query: { me, myOrganization, user, users },
    Mutation: { login, refreshSession, logout, createUser, updateUser, deactivateUser, assignRole, revokeRole },
    User,
    Organization,
  },
  nodes: {
    User: nodeFetcher('User', 'users:read', 'userById'),
    // Any signed-in viewer: the type is scoped to the viewer's own organization.
    Organization: nodeFetcher('Organization', null, 'organizationById'),
  },
};
