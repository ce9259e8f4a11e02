import type { DomainModule } from '../kernel/domain-module.js';
import { Node } from './resolvers/Node.js';
import { health } from './resolvers/Query/health.js';
import { node } from './resolvers/Query/node.js';
import { nodes } from './resolvers/Query/nodes.js';

/** Cross-domain root fields: `node`, `nodes` (dispatching on the global ID's type) and `health`. */
export const systemModule: DomainModule = {
  resolvers: { Query: { node, nodes, health }, Node },
};
