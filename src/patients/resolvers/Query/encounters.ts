import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { optionalUuidFromId } from '../../../kernel/global-id.js';
import { rootListConnection } from '../../../kernel/root-list.js';
import { timeWindow } from '../../../kernel/validation.js';
import * as repo from '../../encounter-repository.js';

export const encounters: QueryResolvers['encounters'] = (_root, args, ctx) => {
  const viewer = requireViewer(ctx);
  const f = args.filter;
  const filter: repo.EncounterListFilter = {
    patientId: optionalUuidFromId(f?.patientId, 'Patient', 'filter.patientId'),
    providerId: optionalUuidFromId(f?.providerId, 'User', 'filter.providerId'),
    statuses: f?.status?.length ? f.status : null,
    types: f?.type?.length ? f.type : null,
    ...timeWindow(f?.from, f?.to, 'filter.from', 'filter.to'),
  };
  return rootListConnection(viewer, args, repo.encounterList, filter, viewer.loaders.encounterById);
};
