import type { LoaderScope } from '../kernel/loaders.js';

export function ordersLoaders(_scope: LoaderScope) {
  return {};
}
