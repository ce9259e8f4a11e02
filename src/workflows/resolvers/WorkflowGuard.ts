import type { WorkflowGuardResolvers } from '../../generated/graphql.js';

export const WorkflowGuard: WorkflowGuardResolvers = {
  field: (g) => g.field ?? null,
  valueJson: (g) => (g.type === 'FIELD_EQUALS' ? JSON.stringify(g.value ?? null) : null),
  valuesJson: (g) => (g.values ? g.values.map((v) => JSON.stringify(v)) : null),
  taskName: (g) => g.taskName ?? null,
};
