import type { DomainModule } from '../modules.js';

export const schedulingModule: DomainModule = {
  resolvers: [],
  nodes: {},
};
