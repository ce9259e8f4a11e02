import { connectionWithCount } from '../kernel/loaders.js';
import { requireViewer } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';
import { toGlobalId, uuidFromId, optionalUuidFromId } from '../kernel/global-id.js';
import { nodeFetcher, type NodeFetcher } from '../domain-module.js';
import { listLimit } from '../kernel/pagination.js';
import { clinicalNotePage, statusPage } from './chart-loaders.js';
import * as notes from './clinical-note-service.js';
import * as prescriptions from './prescription-service.js';
import * as problems from './problem-service.js';

export const chartResolvers: Resolvers = {
  Mutation: {
    addProblem: async (_root, { input }, ctx) => ({
      problem: await problems.addProblem(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
      }),
    }),
    resolveProblem: async (_root, { input }, ctx) => ({
      problem: await problems.resolveProblem(requireViewer(ctx), { ...input, id: uuidFromId(input.id, 'Problem') }),
    }),
    addClinicalNote: async (_root, { input }, ctx) => ({
      clinicalNote: await notes.addClinicalNote(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
        amendsNoteId: optionalUuidFromId(input.amendsNoteId, 'ClinicalNote', 'amendsNoteId'),
      }),
    }),
    signClinicalNote: async (_root, { input }, ctx) => ({
      clinicalNote: await notes.signClinicalNote(requireViewer(ctx), uuidFromId(input.id, 'ClinicalNote'), input.version),
    }),
    recordDrugAllergy: async (_root, { input }, ctx) => ({
      drugAllergy: await prescriptions.recordDrugAllergy(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
      }),
    }),
    prescribeMedication: async (_root, { input }, ctx) => ({
      prescription: await prescriptions.prescribeMedication(requireViewer(ctx), {
        ...input,
        patientId: uuidFromId(input.patientId, 'Patient', 'patientId'),
        encounterId: optionalUuidFromId(input.encounterId, 'Encounter', 'encounterId'),
      }),
    }),
    discontinuePrescription: async (_root, { input }, ctx) => ({
      prescription: await prescriptions.discontinuePrescription(requireViewer(ctx), {
        ...input,
        id: uuidFromId(input.id, 'Prescription'),
      }),
    }),
  },
  Patient: {
    allergies: (p, args, ctx) => ctx.loaders.drugAllergiesOfPatient(statusPage(args)).load(p.id),
    problems: (p, args, ctx) => ctx.loaders.problemsOfPatient(statusPage(args)).load(p.id),
    prescriptions: (p, args, ctx) => ctx.loaders.prescriptionsOfPatient(statusPage(args)).load(p.id),
    clinicalNotes: (p, args, ctx) => {
      const page = clinicalNotePage(args, ctx.deps.cursors);
      return connectionWithCount(ctx.loaders.clinicalNotesOfPatient(page).load(p.id), () => ctx.loaders.clinicalNoteCountOfPatient.load(p.id)) as never;
    },
  },
  Encounter: {
    notes: (e, { first }, ctx) => ctx.loaders.clinicalNotesOfEncounter(listLimit(first)).load(e.id),
    problems: (e, { first }, ctx) => ctx.loaders.problemsOfEncounter(listLimit(first)).load(e.id),
    prescriptions: (e, { first }, ctx) => ctx.loaders.prescriptionsOfEncounter(listLimit(first)).load(e.id),
  },
  Problem: {
    id: (p) => toGlobalId('Problem', p.id),
    problemId: (p) => p.id,
    patient: async (p, _args, ctx) => (await ctx.loaders.patientById.load(p.patientId))!,
    encounter: (p, _args, ctx) => (p.encounterId ? ctx.loaders.encounterById.load(p.encounterId) : null),
    recordedBy: (p, _args, ctx) => (p.recordedBy ? ctx.loaders.userById.load(p.recordedBy) : null),
  },
  ClinicalNote: {
    id: (n) => toGlobalId('ClinicalNote', n.id),
    clinicalNoteId: (n) => n.id,
    patient: async (n, _args, ctx) => (await ctx.loaders.patientById.load(n.patientId))!,
    encounter: (n, _args, ctx) => (n.encounterId ? ctx.loaders.encounterById.load(n.encounterId) : null),
    author: async (n, _args, ctx) => (await ctx.loaders.userById.load(n.authorId))!,
    signedBy: (n, _args, ctx) => (n.signedBy ? ctx.loaders.userById.load(n.signedBy) : null),
    amends: (n, _args, ctx) => (n.amendsNoteId ? ctx.loaders.clinicalNoteById.load(n.amendsNoteId) : null),
    amendments: (n, { first }, ctx) => ctx.loaders.amendmentsOfClinicalNote(listLimit(first)).load(n.id),
  },
  DrugAllergy: {
    id: (a) => toGlobalId('DrugAllergy', a.id),
    drugAllergyId: (a) => a.id,
    patient: async (a, _args, ctx) => (await ctx.loaders.patientById.load(a.patientId))!,
    recordedBy: (a, _args, ctx) => (a.recordedBy ? ctx.loaders.userById.load(a.recordedBy) : null),
  },
  Prescription: {
    id: (p) => toGlobalId('Prescription', p.id),
    prescriptionId: (p) => p.id,
    patient: async (p, _args, ctx) => (await ctx.loaders.patientById.load(p.patientId))!,
    encounter: (p, _args, ctx) => (p.encounterId ? ctx.loaders.encounterById.load(p.encounterId) : null),
    prescriber: async (p, _args, ctx) => (await ctx.loaders.userById.load(p.prescriberId))!,
  },
};

/** Node types of this area for `node(id:)`; each asserts the permission its nested fields require. */
export const chartNodes: Record<string, NodeFetcher> = {
  Problem: nodeFetcher('Problem', 'clinical:read', (ctx, uuid) => ctx.loaders.problemById.load(uuid)),
  ClinicalNote: nodeFetcher('ClinicalNote', 'clinical_notes:read', (ctx, uuid) => ctx.loaders.clinicalNoteById.load(uuid)),
  DrugAllergy: nodeFetcher('DrugAllergy', 'clinical:read', (ctx, uuid) => ctx.loaders.drugAllergyById.load(uuid)),
  Prescription: nodeFetcher('Prescription', 'clinical:read', (ctx, uuid) => ctx.loaders.prescriptionById.load(uuid)),
};
