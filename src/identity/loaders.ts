import { createGroupLoader, createLoader, type LoaderScope } from '../kernel/loaders.js';
import * as repo from './repository.js';

export function identityLoaders(scope: LoaderScope) {
  return {
    userById: createLoader(
      scope,
      (ids: readonly string[]) => scope.read((tx) => repo.usersByIds(tx, scope.organizationId, ids)),
      (u) => u.id,
    ),
    rolesByUserId: createGroupLoader(
      scope,
      (ids: readonly string[]) => scope.read((tx) => repo.rolesByUserIds(tx, ids)),
      (r) => r.userId,
    ),
    organizationById: createLoader(
      scope,
      (ids: readonly string[]) => scope.read((tx) => repo.organizationsByIds(tx, ids)),
      (o) => o.id,
    ),
  };
}
