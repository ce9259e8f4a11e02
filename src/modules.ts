import type { Resolvers } from './generated/graphql.js';
import { billingModule } from './billing/module.js';
import { identityModule } from './identity/resolvers.js';
import type { NodeFetcher } from './nodes.js';
import { patientsModule } from './patients/module.js';
import { schedulingModule } from './scheduling/module.js';
import { workflowsModule } from './workflows/module.js';

/** What a domain module contributes to the server. */
export interface DomainModule {
  resolvers: Resolvers | Resolvers[];
  /** GraphQL type name → loader by database id, for `node(id:)`. */
  nodes?: Record<string, NodeFetcher>;
}

/** The domains served, in schema order. Add a module here and its SDL under schema/. */
export const modules: DomainModule[] = [identityModule, patientsModule, billingModule, schedulingModule, workflowsModule];
