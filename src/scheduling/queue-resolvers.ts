import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { notFound } from '../kernel/errors.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './opd-queue-repository.js';
import * as service from './opd-queue-service.js';
import { queueEvents, type QueueNotice } from './queue-events.js';

export const queueResolvers: Resolvers = {
  Query: {
    opdQueue: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const departmentId = uuidFromId(args.departmentId, 'Department', 'departmentId');
      const statuses = args.status?.length ? [...args.status].sort() : null;
      const page = pageRequest(args, `opdQueue:${departmentId}:${args.date ?? 'today'}:${statuses?.join(',') ?? '*'}`, ctx.deps.cursors);
      if (!(await loaders.departmentById.load(departmentId))) throw notFound('Department', args.departmentId);
      const filter: repo.OpdQueueListFilter = { departmentId, date: args.date ?? null, statuses };
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.opdQueuePage(tx, org, filter, page));
      for (const row of rows) loaders.opdQueueEntryById.prime(row.id, row);
      const connection = toConnection(rows, page, (e) => [e.stage, e.priorityRank, e.tokenNumber]);
      session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
      return withTotalCount(connection, () => session.read((tx) => repo.countOpdQueue(tx, org, filter))) as never;
    },
  },
  Mutation: {
    enqueueWalkIn: async (_root, { input }, ctx) => ({
      queueEntry: await service.enqueueWalkIn(requireViewer(ctx), {
        departmentId: uuidFromId(input.departmentId, 'Department', 'departmentId'),
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        priority: input.priority ?? 'NORMAL',
        notes: input.notes,
      }),
    }),
    callNextPatient: async (_root, { departmentId }, ctx) => ({
      queueEntry: await service.callNextPatient(requireViewer(ctx), uuidFromId(departmentId, 'Department', 'departmentId')),
    }),
    startConsultation: async (_root, { input }, ctx) => ({
      queueEntry: await service.transitionQueueEntry(
        requireViewer(ctx),
        uuidFromId(input.id, 'OpdQueueEntry'),
        input.version ?? null,
        'IN_CONSULTATION',
      ),
    }),
    completeQueueEntry: async (_root, { input }, ctx) => ({
      queueEntry: await service.transitionQueueEntry(requireViewer(ctx), uuidFromId(input.id, 'OpdQueueEntry'), input.version ?? null, 'DONE'),
    }),
    markLeft: async (_root, { input }, ctx) => ({
      queueEntry: await service.transitionQueueEntry(requireViewer(ctx), uuidFromId(input.id, 'OpdQueueEntry'), input.version ?? null, 'LEFT'),
    }),
  },
  Subscription: {
    opdQueueUpdated: {
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
    },
  },
  OpdQueueEvent: {
    department: async (n, _args, ctx) => (await ctx.loaders.departmentById.load(n.departmentId))!,
    entryId: (n) => (n.entryId ? toGlobalId('OpdQueueEntry', n.entryId) : null),
    entry: (n, _args, ctx) => (n.entryId ? ctx.loaders.opdQueueEntryById.load(n.entryId) : null),
  },
  OpdQueueEntry: {
    id: (e) => toGlobalId('OpdQueueEntry', e.id),
    entryId: (e) => e.id,
    department: async (e, _args, ctx) => (await ctx.loaders.departmentById.load(e.departmentId))!,
    patient: async (e, _args, ctx) => (await ctx.loaders.patientById.load(e.patientId))!,
    appointment: (e, _args, ctx) => (e.appointmentId ? ctx.loaders.appointmentById.load(e.appointmentId) : null),
    position: async (e, _args, ctx) => (await ctx.loaders.opdQueueStandingById.load(e.id))?.position ?? null,
    estimatedWaitMinutes: async (e, _args, ctx) => (await ctx.loaders.opdQueueStandingById.load(e.id))?.estimatedWaitMinutes ?? null,
    calledBy: (e, _args, ctx) => (e.calledBy ? ctx.loaders.userById.load(e.calledBy) : null),
  },
};
