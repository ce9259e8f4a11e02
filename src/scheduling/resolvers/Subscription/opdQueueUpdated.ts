import { requireViewer } from '../../../context.js';
import type { SubscriptionResolvers } from '../../../generated/graphql.js';
import { notFound } from '../../../kernel/errors.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { queueEvents, type QueueNotice } from '../../queue-events.js';

/**
 * The source stream comes from this process's queue-event hub (started by
 * src/subscriptions.ts); each notice is then resolved as an `OpdQueueEvent`.
 */
export const opdQueueUpdated: SubscriptionResolvers['opdQueueUpdated'] = {
  /**
   * The organization comes from the viewer's token only; the department
   * must be one of it. Resolves once this process delivers the department's notices.
   */
  subscribe: async (_root, { departmentId }, ctx) => {
    const { viewer, loaders, deps } = requireViewer(ctx);
    const id = uuidFromId(departmentId, 'Department', 'departmentId');
    if (!(await loaders.departmentById.load(id))) throw notFound('Department', departmentId);
    return queueEvents(deps).subscribe(viewer.organizationId, id);
  },
  resolve: (notice: QueueNotice) => notice,
};
