import type { DomainModule } from '../modules.js';

export const billingModule: DomainModule = {
  resolvers: [],
  nodes: {},
};
