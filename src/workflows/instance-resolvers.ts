import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './instance-repository.js';
import { patientsOf } from './loaders.js';
import { ENTITY_TYPES } from './instance-service.js';
import * as service from './instance-service.js';
import { availableTransitions, stateOf } from './workflow-rules.js';

const instanceId = (id: string, field = 'id') => uuidFromId(id, 'WorkflowInstance', field);

/** A record id: a UUID or the global ID of the entity type's GraphQL type. */
const entityId = (id: string, entityType: string, field: string) => uuidFromId(id, ENTITY_TYPES[entityType] ?? 'Entity', field);

export const instanceResolvers: Resolvers = {
  Query: {
    workflowInstance: (_root, { id }, ctx) => ctx.loaders.workflowInstanceById.load(instanceId(id)),
    workflowInstances: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'workflowInstances:startedAt', ctx.deps.cursors);
      const f = args.filter;
      const statuses = f?.status?.length ? [...f.status] : null;
      const active = f?.active === true ? ['ACTIVE'] : f?.active === false ? ['COMPLETED', 'CANCELLED'] : null;
      const filter: repo.InstanceListFilter = {
        definitionId: f?.definitionId ? uuidFromId(f.definitionId, 'WorkflowDefinition', 'filter.definitionId') : null,
        entityType: f?.entityType ?? null,
        entityId: f?.entityId ?? null,
        state: f?.state?.trim() || null,
        // `active` and `status` both narrow: the statuses in both lists.
        statuses: statuses && active ? statuses.filter((s) => active.includes(s)) : (statuses ?? active),
      };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.instancePage(tx, org, filter, page));
      for (const row of rows) loaders.workflowInstanceById.prime(row.id, row);
      const connection = toConnection(rows, page, (i) => [i.sortKey, i.id]);
      session.notePatientAccess(patientsOf(connection.edges.map((e) => e.node)));
      return withTotalCount(connection, () => session.read((tx) => repo.countInstances(tx, org, filter))) as never;
    },
  },
  Mutation: {
    startWorkflow: (_root, { input }, ctx) =>
      service.startWorkflow(requireViewer(ctx), {
        ...input,
        definitionId: input.definitionId ? uuidFromId(input.definitionId, 'WorkflowDefinition', 'definitionId') : null,
        entityId: entityId(input.entityId, input.entityType, 'entityId'),
      }),
    transitionWorkflow: (_root, { input }, ctx) =>
      service.transitionWorkflow(requireViewer(ctx), { ...input, instanceId: instanceId(input.instanceId, 'instanceId') }),
    cancelWorkflow: async (_root, { input }, ctx) => ({
      instance: await service.cancelWorkflow(requireViewer(ctx), { ...input, instanceId: instanceId(input.instanceId, 'instanceId') }),
    }),
  },
  WorkflowInstance: {
    id: (i) => toGlobalId('WorkflowInstance', i.id),
    workflowInstanceId: (i) => i.id,
    definition: async (i, _args, ctx) => (await ctx.loaders.workflowDefinitionById.load(i.definitionId))!,
    currentStateName: async (i, _args, ctx) => {
      const definition = await ctx.loaders.workflowDefinitionById.load(i.definitionId);
      return (definition && stateOf(definition.stateMachine, i.currentState)?.name) ?? i.currentState;
    },
    startedBy: (i, _args, ctx) => (i.startedBy ? ctx.loaders.userById.load(i.startedBy) : null),
    availableTransitions: async (i, _args, ctx) => {
      const { viewer } = requireViewer(ctx);
      if (i.status !== 'ACTIVE') return [];
      const definition = await ctx.loaders.workflowDefinitionById.load(i.definitionId);
      return definition ? availableTransitions(definition.stateMachine, i.currentState, viewer) : [];
    },
    history: (i, args, ctx) => {
      const page = pageRequest(args, 'workflowInstance.history', ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.workflowHistoryOfInstance(page).load(i.id), () => ctx.loaders.workflowHistoryCountOfInstance.load(i.id)) as never;
    },
    tasks: (i, args, ctx) => {
      const page = pageRequest(args, 'workflowInstance.tasks', ctx.deps.cursors);
      const statuses = args.status?.length ? [...args.status].sort() : null;
      return connectionWithCount(ctx.loaders.workflowTasksOfInstance({ page, statuses }).load(i.id), () => ctx.loaders.workflowTaskCountOfInstance(statuses).load(i.id)) as never;
    },
  },
  WorkflowTransition: {
    id: (t) => toGlobalId('WorkflowTransition', t.id),
    workflowTransitionId: (t) => t.id,
    actor: (t, _args, ctx) => (t.actorId ? ctx.loaders.userById.load(t.actorId) : null),
  },
  Encounter: {
    workflow: (e, _args, ctx) => ctx.loaders.workflowOfEntity('ENCOUNTER').load(e.id),
  },
  LabTest: {
    workflow: (t, _args, ctx) => ctx.loaders.workflowOfEntity('LAB_ORDER').load(t.id),
  },
};
