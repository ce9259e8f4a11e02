import type { LabTestResolvers } from '../../generated/graphql.js';

/** `extend type LabTest` in schema/workflows/instances.graphql. */
export const LabTest: LabTestResolvers = {
  workflow: (t, _args, ctx) => ctx.loaders.workflowOfEntity('LAB_ORDER').load(t.id),
};
