import type { LoaderScope } from '../kernel/loaders.js';

export function schedulingLoaders(_scope: LoaderScope) {
  return {};
}
