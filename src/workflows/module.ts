import type { DomainModule } from '../modules.js';

export const workflowsModule: DomainModule = {
  resolvers: [],
  nodes: {},
};
