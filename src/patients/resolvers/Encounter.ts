import type { EncounterResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { listLimit } from '../../kernel/pagination.js';

export const Encounter: EncounterResolvers = {
  // schema/patients/encounters.graphql
  id: (e) => toGlobalId('Encounter', e.id),
  encounterId: (e) => e.id,
  patient: async (e, _args, ctx) => (await ctx.loaders.patientById.load(e.patientId))!,
  provider: async (e, _args, ctx) => (await ctx.loaders.userById.load(e.providerId))!,
  remarks: (e) => e.notes,
  vitalSigns: (e, { first }, ctx) => ctx.loaders.vitalSignsOfEncounter(listLimit(first)).load(e.id),

  // schema/patients/chart.graphql
  notes: (e, { first }, ctx) => ctx.loaders.clinicalNotesOfEncounter(listLimit(first)).load(e.id),
  problems: (e, { first }, ctx) => ctx.loaders.problemsOfEncounter(listLimit(first)).load(e.id),
  prescriptions: (e, { first }, ctx) => ctx.loaders.prescriptionsOfEncounter(listLimit(first)).load(e.id),

  // schema/patients/orders.graphql
  labTests: (e, { first }, ctx) => ctx.loaders.labTestsOfEncounter(listLimit(first)).load(e.id),
  imagingOrders: (e, { first }, ctx) => ctx.loaders.imagingOrdersOfEncounter(listLimit(first)).load(e.id),
  anatomyFindings: (e, { first }, ctx) => ctx.loaders.anatomyFindingsOfEncounter(listLimit(first)).load(e.id),
};
