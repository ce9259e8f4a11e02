import * as organizations from './organization-repository.js';
import { createByIdLoader, createGroupLoader, type LoaderScope } from '../kernel/loaders.js';
import * as repo from './repository.js';

export function identityLoaders(scope: LoaderScope) {
  return {
    userById: createByIdLoader(scope, repo.usersByIds),
    rolesByUserId: createGroupLoader(
      scope,
      (tx, _org, ids) => repo.rolesByUserIds(tx, ids),
      (r) => r.userId,
    ),
    organizationById: createByIdLoader(scope, (tx, _org, ids) => organizations.organizationsByIds(tx, ids)),
  };
}
