import type { LoaderScope } from '../kernel/loaders.js';

export function workflowsLoaders(_scope: LoaderScope) {
  return {};
}
