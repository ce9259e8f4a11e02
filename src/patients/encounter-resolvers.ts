import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { badInput } from '../kernel/errors.js';
import { toGlobalId, uuidFromId, optionalUuidFromId } from '../kernel/global-id.js';
import { listLimit, pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import * as repo from './encounter-repository.js';
import { encounterPage } from './loaders.js';
import * as service from './encounter-service.js';

export const encounterResolvers: Resolvers = {
  Query: {
    encounter: (_root, { id }, ctx) => ctx.loaders.encounterById.load(uuidFromId(id, 'Encounter')),
    encounters: async (_root, args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const page = pageRequest(args, 'encounters:encounterAt', ctx.deps.cursors);
      const f = args.filter;
      const filter: repo.EncounterListFilter = {
        patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
        providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
        statuses: f?.status?.length ? f.status : null,
        types: f?.type?.length ? f.type : null,
        from: f?.from ?? null,
        to: f?.to ?? null,
      };
      if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to', 'filter.from');
      const org = session.scope.organizationId;
      const rows = await session.read((tx) => repo.encounterPage(tx, org, filter, page));
      for (const row of rows) loaders.encounterById.prime(row.id, row);
      const connection = toConnection(rows, page, (e) => [e.sortKey, e.id]);
      session.notePatientAccess(connection.edges.map((e) => e.node.patientId));
      return withTotalCount(connection, () => session.read((tx) => repo.countEncounters(tx, org, filter))) as never;
    },
  },
  Mutation: {
    createEncounter: async (_root, { input }, ctx) => ({
      encounter: await service.createEncounter(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        providerId: optionalUuidFromId(input.providerId, 'User', 'providerId'),
        departmentId: input.departmentId ?? null,
        encounterAt: input.encounterAt ?? null,
        scheduledAt: input.scheduledAt ?? null,
      }),
    }),
    startEncounter: async (_root, { input }, ctx) => ({
      encounter: await service.transitionEncounter(requireViewer(ctx), uuidFromId(input.id, 'Encounter'), input.version, 'IN_PROGRESS'),
    }),
    completeEncounter: async (_root, { input }, ctx) => ({
      encounter: await service.transitionEncounter(requireViewer(ctx), uuidFromId(input.id, 'Encounter'), input.version, 'COMPLETED', {
        dischargeDisposition: input.dischargeDisposition,
      }),
    }),
    cancelEncounter: async (_root, { input }, ctx) => ({
      encounter: await service.transitionEncounter(requireViewer(ctx), uuidFromId(input.id, 'Encounter'), input.version, 'CANCELLED', {
        cancellationReason: input.reason,
      }),
    }),
    recordVitalSigns: async (_root, { input }, ctx) => ({
      vitalSigns: await service.recordVitalSigns(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
        recordedAt: input.recordedAt ?? null,
      }),
    }),
  },
  Patient: {
    encounters: (p, args, ctx) => {
      const key = encounterPage(args, ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.encountersOfPatient(key).load(p.id), () => ctx.loaders.encounterCountOfPatient(key.statuses).load(p.id));
    },
    vitalSigns: (p, args, ctx) => {
      const page = pageRequest(args, 'patient.vitalSigns', ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.vitalSignsOfPatient(page).load(p.id), () => ctx.loaders.vitalSignsCountOfPatient.load(p.id)) as never;
    },
  },
  Encounter: {
    id: (e) => toGlobalId('Encounter', e.id),
    encounterId: (e) => e.id,
    patient: async (e, _args, ctx) => (await ctx.loaders.patientById.load(e.patientId))!,
    provider: async (e, _args, ctx) => (await ctx.loaders.userById.load(e.providerId))!,
    remarks: (e) => e.notes,
    vitalSigns: (e, { first }, ctx) => ctx.loaders.vitalSignsOfEncounter(listLimit(first)).load(e.id),
  },
  VitalSigns: {
    id: (v) => toGlobalId('VitalSigns', v.id),
    vitalSignsId: (v) => v.id,
    recordedBy: (v, _args, ctx) => (v.recordedBy ? ctx.loaders.userById.load(v.recordedBy) : null),
  },
};
