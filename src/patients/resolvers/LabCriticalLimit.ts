import type { LabCriticalLimitResolvers } from '../../generated/graphql.js';

/** NUMERIC columns arrive as strings (exact); the SDL serves them as Float. */
const decimal = (value: string | null) => (value === null ? null : Number(value));

export const LabCriticalLimit: LabCriticalLimitResolvers = {
  criticalLow: (l) => decimal(l.criticalLow),
  criticalHigh: (l) => decimal(l.criticalHigh),
  defaultLow: (l) => decimal(l.defaultLow),
  defaultHigh: (l) => decimal(l.defaultHigh),
};
