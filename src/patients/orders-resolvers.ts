import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId, optionalUuidFromId } from '../kernel/global-id.js';
import { nodeFetcher, type NodeFetcher, type NodeTypeName } from '../domain-module.js';
import { listLimit, pageRequest } from '../kernel/pagination.js';
import { statusPage } from './chart-loaders.js';
import * as bodySystems from './body-system-repository.js';
import * as imaging from './imaging-service.js';
import * as lab from './lab-service.js';

const decimal = (value: string | null) => (value === null ? null : Number(value));

export const ordersResolvers: Resolvers = {
  Query: {
    bodySystems: async (_root, _args, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const rows = await session.read((tx) => bodySystems.allBodySystems(tx));
      for (const row of rows) loaders.bodySystemById.prime(row.id, row);
      return rows;
    },
    labTest: (_root, { id }, ctx) => ctx.loaders.labTestById.load(uuidFromId(id, 'LabTest')),
  },
  Mutation: {
    orderLabTest: async (_root, { input }, ctx) => ({
      labTest: await lab.orderLabTest(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
      }),
    }),
    collectLabSpecimen: async (_root, { input }, ctx) => ({
      labTest: await lab.transitionLabTest(requireViewer(ctx), uuidFromId(input.id, 'LabTest'), input.version, 'COLLECTED'),
    }),
    recordLabResult: (_root, { input }, ctx) =>
      lab.recordLabResult(requireViewer(ctx), { ...input, labTestId: uuidFromId(input.labTestId, 'LabTest', 'labTestId') }),
    verifyLabTest: async (_root, { input }, ctx) => ({
      labTest: await lab.transitionLabTest(requireViewer(ctx), uuidFromId(input.id, 'LabTest'), input.version, 'VERIFIED'),
    }),
    cancelLabTest: async (_root, { input }, ctx) => ({
      labTest: await lab.transitionLabTest(requireViewer(ctx), uuidFromId(input.id, 'LabTest'), input.version, 'CANCELLED', {
        cancellationReason: input.reason,
      }),
    }),
    orderImaging: async (_root, { input }, ctx) => ({
      imagingOrder: await imaging.orderImaging(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
        bodySystemId: optionalUuidFromId(input.bodySystemId, 'BodySystem', 'bodySystemId'),
      }),
    }),
    reportImaging: async (_root, { input }, ctx) => ({
      imagingOrder: await imaging.reportImaging(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'ImagingOrder') }),
    }),
    recordAnatomyFinding: async (_root, { input }, ctx) => ({
      anatomyFinding: await imaging.recordAnatomyFinding(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
        bodySystemId: uuidFromId(input.bodySystemId, 'BodySystem', 'bodySystemId'),
        observedAt: input.observedAt ?? null,
      }),
    }),
  },
  Patient: {
    labTests: (p, { status, first }, ctx) =>
      ctx.loaders.labTestsOfPatient(statusPage({ status, first })).load(p.id),
    labResults: (p, args, ctx) => {
      const page = pageRequest(args, 'patient.labResults', ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.labResultsOfPatient(page).load(p.id), () => ctx.loaders.labResultCountOfPatient.load(p.id)) as never;
    },
    imagingOrders: (p, { status, first }, ctx) =>
      ctx.loaders.imagingOrdersOfPatient(statusPage({ status, first })).load(p.id),
    anatomyFindings: (p, { first }, ctx) => ctx.loaders.anatomyFindingsOfPatient(listLimit(first)).load(p.id),
  },
  Encounter: {
    labTests: (e, { first }, ctx) => ctx.loaders.labTestsOfEncounter(listLimit(first)).load(e.id),
    imagingOrders: (e, { first }, ctx) => ctx.loaders.imagingOrdersOfEncounter(listLimit(first)).load(e.id),
    anatomyFindings: (e, { first }, ctx) => ctx.loaders.anatomyFindingsOfEncounter(listLimit(first)).load(e.id),
  },
  LabTest: {
    id: (t) => toGlobalId('LabTest', t.id),
    labTestId: (t) => t.id,
    patient: async (t, _args, ctx) => (await ctx.loaders.patientById.load(t.patientId))!,
    encounter: (t, _args, ctx) => (t.encounterId ? ctx.loaders.encounterById.load(t.encounterId) : null),
    orderedBy: async (t, _args, ctx) => (await ctx.loaders.userById.load(t.orderedBy))!,
    results: (t, { first }, ctx) => ctx.loaders.labResultsOfLabTest(listLimit(first)).load(t.id),
  },
  LabResult: {
    id: (r) => toGlobalId('LabResult', r.id),
    labResultId: (r) => r.id,
    labTest: async (r, _args, ctx) => (await ctx.loaders.labTestById.load(r.labTestId))!,
    patient: async (r, _args, ctx) => (await ctx.loaders.patientById.load(r.patientId))!,
    resultNumeric: (r) => decimal(r.resultNumeric),
    referenceLow: (r) => decimal(r.referenceLow),
    referenceHigh: (r) => decimal(r.referenceHigh),
    abnormalFlag: (r) => r.abnormalFlag as never,
    isAbnormal: (r) => r.abnormalFlag !== null && r.abnormalFlag !== 'NORMAL',
    resultedBy: (r, _args, ctx) => (r.resultedBy ? ctx.loaders.userById.load(r.resultedBy) : null),
  },
  ImagingOrder: {
    id: (o) => toGlobalId('ImagingOrder', o.id),
    imagingOrderId: (o) => o.id,
    patient: async (o, _args, ctx) => (await ctx.loaders.patientById.load(o.patientId))!,
    encounter: (o, _args, ctx) => (o.encounterId ? ctx.loaders.encounterById.load(o.encounterId) : null),
    orderedBy: async (o, _args, ctx) => (await ctx.loaders.userById.load(o.orderedBy))!,
    bodySystem: (o, _args, ctx) => (o.bodySystemId ? ctx.loaders.bodySystemById.load(o.bodySystemId) : null),
    reportedBy: (o, _args, ctx) => (o.reportedBy ? ctx.loaders.userById.load(o.reportedBy) : null),
  },
  AnatomyFinding: {
    id: (f) => toGlobalId('AnatomyFinding', f.id),
    anatomyFindingId: (f) => f.id,
    patient: async (f, _args, ctx) => (await ctx.loaders.patientById.load(f.patientId))!,
    encounter: (f, _args, ctx) => (f.encounterId ? ctx.loaders.encounterById.load(f.encounterId) : null),
    bodySystem: async (f, _args, ctx) => (await ctx.loaders.bodySystemById.load(f.bodySystemId))!,
    recordedBy: (f, _args, ctx) => (f.recordedBy ? ctx.loaders.userById.load(f.recordedBy) : null),
  },
  BodySystem: {
    id: (b) => toGlobalId('BodySystem', b.id),
    bodySystemId: (b) => b.id,
  },
};

/** Node types of this area for `node(id:)`; all are clinical records (body systems included, like `bodySystems`). */
const clinicalNode = (type: NodeTypeName, load: Parameters<typeof nodeFetcher>[2]) =>
  nodeFetcher(type, 'clinical:read', load);

export const ordersNodes: Record<string, NodeFetcher> = {
  LabTest: clinicalNode('LabTest', (ctx, uuid) => ctx.loaders.labTestById.load(uuid)),
  LabResult: clinicalNode('LabResult', (ctx, uuid) => ctx.loaders.labResultById.load(uuid)),
  ImagingOrder: clinicalNode('ImagingOrder', (ctx, uuid) => ctx.loaders.imagingOrderById.load(uuid)),
  AnatomyFinding: clinicalNode('AnatomyFinding', (ctx, uuid) => ctx.loaders.anatomyFindingById.load(uuid)),
  BodySystem: clinicalNode('BodySystem', (ctx, uuid) => ctx.loaders.bodySystemById.load(uuid)),
};
