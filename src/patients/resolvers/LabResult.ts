import type { LabResultResolvers } from '../../generated/graphql.js';
import { toGlobalId } from '../../kernel/global-id.js';

/** NUMERIC columns arrive as strings (exact); the SDL serves them as Float. */
const decimal = (value: string | null) => (value === null ? null : Number(value));

export const LabResult: LabResultResolvers = {
  id: (r) => toGlobalId('LabResult', r.id),
  labResultId: (r) => r.id,
  labTest: async (r, _args, ctx) => (await ctx.loaders.labTestById.load(r.labTestId))!,
  patient: async (r, _args, ctx) => (await ctx.loaders.patientById.load(r.patientId))!,
  resultNumeric: (r) => decimal(r.resultNumeric),
  referenceLow: (r) => decimal(r.referenceLow),
  referenceHigh: (r) => decimal(r.referenceHigh),
  isAbnormal: (r) => r.abnormalFlag !== null && r.abnormalFlag !== 'NORMAL',
  resultedBy: (r, _args, ctx) => (r.resultedBy ? ctx.loaders.userById.load(r.resultedBy) : null),
  corrects: async (r, _args, ctx) => {
    // Corrections sort first: a corrected result names the FINAL value it replaced.
    const [replaced] = await ctx.loaders.supersessionsByLabResult.load(r.id);
    return replaced ? ctx.loaders.labResultById.load(replaced.supersededId) : null;
  },
  correctedBy: async (r, _args, ctx) => {
    const replacement = await ctx.loaders.supersessionOfLabResult.load(r.id);
    return replacement ? ctx.loaders.labResultById.load(replacement.supersedingId) : null;
  },
  correctionReason: async (r, _args, ctx) =>
    (await ctx.loaders.supersessionsByLabResult.load(r.id)).find((s) => s.kind === 'CORRECTION')?.reason ?? null,
};
