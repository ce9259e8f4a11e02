import * as organizations from './organization-repository.js';
import { createGroupLoader, createLoader, type LoaderScope } from '../kernel/loaders.js';
import * as repo from './repository.js';

export function identityLoaders(scope: LoaderScope) {
  return {
    userById: createLoader(
      scope,
      repo.usersByIds,
      (u) => u.id,
    ),
    rolesByUserId: createGroupLoader(
      scope,
      (tx, _org, ids) => repo.rolesByUserIds(tx, ids),
      (r) => r.userId,
    ),
    organizationById: createLoader(
      scope,
      (tx, _org, ids) => organizations.organizationsByIds(tx, ids),
      (o) => o.id,
    ),
  };
}
