import { requireViewer } from '../context.js';
import type { Permission, Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './definition-repository.js';
import * as service from './definition-service.js';
import { validateStateMachine } from './definition-validation.js';

const definitionId = (id: string, field = 'id') => uuidFromId(id, 'WorkflowDefinition', field);

export const definitionResolvers: Resolvers = {
  Query: {
    workflowDefinitions: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'workflowDefinitions:createdAt', ctx.deps.cursors);
      const f = args.filter;
      const filter: repo.DefinitionListFilter = {
        entityType: f?.entityType ?? null,
        statuses: f?.status?.length ? f.status : null,
        definitionKey: f?.definitionKey?.trim().toLowerCase() || null,
        active: f?.active ?? null,
        isDefault: f?.isDefault ?? null,
      };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.definitionPage(tx, org, filter, page));
      for (const row of rows) loaders.workflowDefinitionById.prime(row.id, row);
      return withTotalCount(
        toConnection(rows, page, (d) => [d.sortKey, d.id]),
        () => session.read((tx) => repo.countDefinitions(tx, org, filter)),
      ) as never;
    },
    workflowDefinition: (_root, { id }, ctx) => ctx.loaders.workflowDefinitionById.load(definitionId(id)),
    validateWorkflowStateMachine: (_root, { stateMachine }) => validateStateMachine(stateMachine).errors,
  },
  Mutation: {
    createWorkflowDefinition: async (_root, { input }, ctx) => ({
      definition: await service.createDefinition(requireViewer(ctx), input),
    }),
    updateWorkflowDefinition: async (_root, { input }, ctx) => ({
      definition: await service.updateDefinition(requireViewer(ctx), { ...input, id: definitionId(input.id) }),
    }),
    createWorkflowDefinitionVersion: async (_root, { input }, ctx) => ({
      definition: await service.createDefinitionVersion(requireViewer(ctx), { ...input, fromId: definitionId(input.fromId, 'fromId') }),
    }),
    publishWorkflowDefinition: async (_root, { input }, ctx) => ({
      definition: await service.publishDefinition(requireViewer(ctx), { ...input, id: definitionId(input.id) }),
    }),
    setDefaultWorkflowDefinition: async (_root, { input }, ctx) => ({
      definition: await service.setDefaultDefinition(requireViewer(ctx), { ...input, id: definitionId(input.id) }),
    }),
    deactivateWorkflowDefinition: async (_root, { input }, ctx) => ({
      definition: await service.deactivateDefinition(requireViewer(ctx), { ...input, id: definitionId(input.id) }),
    }),
  },
  WorkflowDefinition: {
    id: (d) => toGlobalId('WorkflowDefinition', d.id),
    workflowDefinitionId: (d) => d.id,
    isDefault: (d) => d.isDefault && d.isActive,
    stateMachineJson: (d) => d.stateMachine as unknown as Record<string, unknown>,
    createdBy: (d, _args, ctx) => (d.createdBy ? ctx.loaders.userById.load(d.createdBy) : null),
  },
  WorkflowState: {
    actions: (s) => s.actions ?? [],
  },
  WorkflowTransitionRule: {
    allowedPermissions: (t) => (t.allowedPermissions ?? []) as Permission[],
  },
  WorkflowGuard: {
    field: (g) => g.field ?? null,
    valueJson: (g) => (g.type === 'FIELD_EQUALS' ? JSON.stringify(g.value ?? null) : null),
    valuesJson: (g) => (g.values ? g.values.map((v) => JSON.stringify(v)) : null),
    taskName: (g) => g.taskName ?? null,
  },
  WorkflowAction: {
    description: (a) => a.description ?? null,
    role: (a) => a.role ?? null,
    assignee: (a, _args, ctx) => (a.userId ? ctx.loaders.userById.load(a.userId) : null),
    priority: (a) => a.priority ?? null,
    dueInHours: (a) => a.dueInHours ?? null,
  },
};
