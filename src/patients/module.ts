import { requireViewer } from '../context.js';
import { assertPermission } from '../kernel/auth/viewer.js';
import { asNode } from '../kernel/node-registry.js';
import type { DomainModule } from '../modules.js';
import { chartNodes, chartResolvers } from './chart-resolvers.js';
import { encounterResolvers } from './encounter-resolvers.js';
import { ordersNodes, ordersResolvers } from './orders-resolvers.js';
import { patientResolvers } from './patient-resolvers.js';

/** Patients and their clinical records. */
export const patientsModule: DomainModule = {
  resolvers: [patientResolvers, encounterResolvers, chartResolvers, ordersResolvers],
  nodes: {
    ...chartNodes,
    ...ordersNodes,
    Patient: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'patients:read');
      return asNode('Patient', await ctx.loaders.patientById.load(uuid));
    },
    Encounter: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'clinical:read');
      return asNode('Encounter', await ctx.loaders.encounterById.load(uuid));
    },
    VitalSigns: async (ctx, uuid) => {
      assertPermission(requireViewer(ctx).viewer, 'clinical:read');
      return asNode('VitalSigns', await ctx.loaders.vitalSignsById.load(uuid));
    },
  },
};
