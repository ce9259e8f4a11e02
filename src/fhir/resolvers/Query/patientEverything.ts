import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { uuidFromId } from '../../../kernel/global-id.js';
import { everythingOrdering, pageCount, recordPage, resourceTypes, searchsetBundle, sinceOf } from '../../everything.js';
import { FHIR_PREFIX } from '../../rest.js';
import { RECORD_SOURCES } from '../../sources.js';

export const patientEverything: QueryResolvers['patientEverything'] = async (_root, args, ctx) => {
  const tenant = requireViewer(ctx);
  const id = uuidFromId(args.id, 'Patient');
  const types = resourceTypes(args.types, 'types');
  const since = sinceOf(args.since as Date | string | null | undefined, 'since');
  const count = pageCount(args.first, 'first');
  const page = await recordPage(tenant, {
    patientId: id,
    types,
    since,
    count,
    sources: RECORD_SOURCES,
    includePatient: true,
    ordering: everythingOrdering('everything', id, types, since),
    cursor: args.after ?? null,
  });
  // The links are the REST API's, so a client may go on over either.
  const base = `http://${ctx.client.host ?? 'localhost'}${FHIR_PREFIX}`;
  const query = new URLSearchParams({ _count: String(count), ...(args.types?.length ? { _type: args.types.join(',') } : {}), ...(since ? { _since: since.toISOString() } : {}) });
  const self = `${base}/Patient/${id}/$everything?${query}`;
  return searchsetBundle(base, page, self, (cursor) => `${self}&_cursor=${encodeURIComponent(cursor)}`) as unknown as Record<string, unknown>;
};
