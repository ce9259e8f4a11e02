import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId } from '../kernel/global-id.js';
import { pageRequest, toConnection, withTotalCount } from '../kernel/pagination.js';
import { badInput } from '../kernel/errors.js';
import { selectionOf } from '../kernel/selection.js';
import { patientPrefetch, prefetchPatientRelations } from './patient-prefetch.js';
import * as repo from './patient-repository.js';
import * as service from './patient-service.js';

function listFilter(filter: {
  status?: string[] | null;
  name?: string | null;
  bornFrom?: string | null;
  bornTo?: string | null;
  search?: string | null;
} | null | undefined): repo.PatientListFilter {
  const name = filter?.name?.trim().toLowerCase() || null;
  return {
    statuses: filter?.status?.length ? filter.status : null,
    namePrefix: name ? name.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
    bornFrom: filter?.bornFrom ?? null,
    bornTo: filter?.bornTo ?? null,
    search: service.searchQuery(filter?.search),
  };
}

export const patientResolvers: Resolvers = {
  Query: {
    patient: async (_root, { id }, ctx, info) => {
      const uuid = uuidFromId(id, 'Patient');
      const [patient] = await Promise.all([
        ctx.loaders.patientById.load(uuid),
        ctx.viewer && ctx.session ? prefetchPatientRelations(requireViewer(ctx), [uuid], selectionOf(info)) : null,
      ]);
      return patient;
    },
    patientByMrn: async (_root, { mrn }, ctx) => {
      const { session, loaders } = requireViewer(ctx);
      const id = await session.read((tx) => repo.patientIdByMrn(tx, session.scope.organizationId, mrn.trim().toUpperCase()));
      return id ? loaders.patientById.load(id) : null;
    },
    patients: async (_root, args, ctx, info) => {
      const viewerCtx = requireViewer(ctx);
      const { session, loaders } = viewerCtx;
      const ordering = args.orderBy?.field ?? 'NAME';
      const descending = args.orderBy?.direction === 'DESC';
      const page = pageRequest(args, `patients:${ordering}:${descending ? 'DESC' : 'ASC'}`, ctx.deps.cursors);
      const filter = listFilter(args.filter);
      if (filter.bornFrom && filter.bornTo && filter.bornFrom > filter.bornTo) {
        throw badInput('filter.bornFrom must not be after filter.bornTo', 'filter.bornFrom');
      }
      const org = session.scope.organizationId;
      const prefetch = patientPrefetch(viewerCtx, selectionOf(info, ['edges', 'node']));
      const rows = await session.read((tx) => repo.patientPage(tx, org, filter, ordering, page.forward !== descending, page, prefetch?.request));
      for (const row of rows) loaders.patientById.prime(row.id, row);
      const key = (p: repo.PatientListRow) => (ordering === 'NAME' ? [p.lastName, p.firstName, p.id] : [p.sortKey, p.id]);
      const connection = toConnection(rows, page, key);
      session.notePatientAccess(connection.edges.map((e) => e.node.id));
      prefetch?.prime(viewerCtx, rows.map((r) => r.id), rows);
      return withTotalCount(connection, () => session.read((tx) => repo.countPatients(tx, org, filter)));
    },
  },
  Mutation: {
    createPatient: async (_root, { input }, ctx) => ({ patient: await service.createPatient(requireViewer(ctx), input) }),
    updatePatient: async (_root, { input: { id, version, ...changes } }, ctx) => ({
      patient: await service.updatePatient(requireViewer(ctx), uuidFromId(id, 'Patient'), version, changes),
    }),
    deactivatePatient: async (_root, { input }, ctx) => ({
      patient: await service.deactivatePatient(requireViewer(ctx), {
        id: uuidFromId(input.id, 'Patient'),
        version: input.version,
        status: input.status ?? 'INACTIVE',
        deceasedAt: input.deceasedAt ?? null,
      }),
    }),
    deletePatient: async (_root, { input }, ctx) => {
      const id = uuidFromId(input.id, 'Patient');
      await service.deletePatient(requireViewer(ctx), id, input.version);
      return { deletedPatientId: toGlobalId('Patient', id) };
    },
    restorePatient: async (_root, { input }, ctx) => ({
      patient: await service.restorePatient(requireViewer(ctx), uuidFromId(input.id, 'Patient')),
    }),
  },
  Patient: {
    id: (p) => toGlobalId('Patient', p.id),
    patientId: (p) => p.id,
    birthYear: (p) => Number(p.dateOfBirth.slice(0, 4)),
    address: (p) => ({
      line1: p.addressLine1,
      line2: p.addressLine2,
      city: p.city,
      region: p.region,
      postalCode: p.postalCode,
      country: p.country,
    }),
    emergencyContact: (p) => ({
      name: p.emergencyContactName,
      phone: p.emergencyContactPhone,
      relationship: p.emergencyContactRelationship,
    }),
    insurance: (p) => ({ provider: p.insuranceProvider, policyNumber: p.insurancePolicyNumber }),
    summary: async (p, _args, ctx) =>
      (await ctx.loaders.patientSummaryById.load(p.id)) ?? { patientId: p.id, encounterCount: 0, lastEncounterAt: null, activeProblemCount: 0 },
  },
};

