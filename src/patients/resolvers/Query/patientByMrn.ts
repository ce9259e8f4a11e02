import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { patientIdByMrn } from '../../patient-repository.js';

export const patientByMrn: QueryResolvers['patientByMrn'] = async (_root, { mrn }, ctx) => {
  const { session, loaders } = requireViewer(ctx);
  const id = await session.read((tx) => patientIdByMrn(tx, session.scope.organizationId, mrn.trim().toUpperCase()));
  return id ? loaders.patientById.load(id) : null;
};
