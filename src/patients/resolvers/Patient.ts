import type { PatientResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';
import { connectionWithCount } from '../../kernel/loaders.js';
import { listLimit, pageRequest } from '../../kernel/pagination.js';
import { clinicalNotePage, statusPage } from '../chart-loaders.js';
import { encounterPage } from '../loaders.js';

export const Patient: PatientResolvers = {
  // schema/patients/patients.graphql
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

  // schema/patients/encounters.graphql
  encounters: (p, args, ctx) => {
    const key = encounterPage(args, ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.encountersOfPatient(key).load(p.id), () => ctx.loaders.encounterCountOfPatient(key.statuses).load(p.id));
  },
  vitalSigns: (p, args, ctx) => {
    const page = pageRequest(args, 'patient.vitalSigns', ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.vitalSignsOfPatient(page).load(p.id), () => ctx.loaders.vitalSignsCountOfPatient.load(p.id));
  },

  // schema/patients/chart.graphql
  allergies: (p, args, ctx) => ctx.loaders.drugAllergiesOfPatient(statusPage(args)).load(p.id),
  problems: (p, args, ctx) => ctx.loaders.problemsOfPatient(statusPage(args)).load(p.id),
  prescriptions: (p, args, ctx) => ctx.loaders.prescriptionsOfPatient(statusPage(args)).load(p.id),
  clinicalNotes: (p, args, ctx) => {
    const page = clinicalNotePage(args, ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.clinicalNotesOfPatient(page).load(p.id), () => ctx.loaders.clinicalNoteCountOfPatient.load(p.id));
  },

  // schema/patients/orders.graphql
  labTests: (p, { status, first }, ctx) => ctx.loaders.labTestsOfPatient(statusPage({ status, first })).load(p.id),
  labResults: (p, args, ctx) => {
    const page = pageRequest(args, 'patient.labResults', ctx.deps.cursors);
    return connectionWithCount(ctx.loaders.labResultsOfPatient(page).load(p.id), () => ctx.loaders.labResultCountOfPatient.load(p.id));
  },
  imagingOrders: (p, { status, first }, ctx) => ctx.loaders.imagingOrdersOfPatient(statusPage({ status, first })).load(p.id),
  anatomyFindings: (p, { first }, ctx) => ctx.loaders.anatomyFindingsOfPatient(listLimit(first)).load(p.id),
};
