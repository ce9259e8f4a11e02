import type { LoaderScope } from '../kernel/loaders.js';

export function billingLoaders(_scope: LoaderScope) {
  return {};
}
