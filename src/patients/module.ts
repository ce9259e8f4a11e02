import { nodeFetcher, type DomainModule } from '../domain-module.js';
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
    Patient: nodeFetcher('Patient', 'patients:read', (ctx, uuid) => ctx.loaders.patientById.load(uuid)),
    Encounter: nodeFetcher('Encounter', 'clinical:read', (ctx, uuid) => ctx.loaders.encounterById.load(uuid)),
    VitalSigns: nodeFetcher('VitalSigns', 'clinical:read', (ctx, uuid) => ctx.loaders.vitalSignsById.load(uuid)),
  },
};
