import type { LoaderScope } from '../kernel/loaders.js';

export function chartLoaders(_scope: LoaderScope) {
  return {};
}
