import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import { badInput } from '../../../kernel/errors.js';
import * as repo from '../../audit-trail-repository.js';
import { accountingRange, MAX_EXPORT_ENTRIES } from '../../compliance-rules.js';
import { disclosureFile } from '../../disclosure-export.js';
import { patientUnderReview } from '../../patient-access.js';

export const accountingOfDisclosures: QueryResolvers['accountingOfDisclosures'] = async (_root, args, ctx) => {
  const tenant = requireViewer(ctx);
  const range = accountingRange({ from: args.from ?? null, to: args.to ?? null }, new Date());
  const patientId = await patientUnderReview(tenant, args.patientId);
  const { session, loaders } = tenant;
  const org = session.scope.organizationId;
  const iso = { from: range.from.toISOString(), to: range.to.toISOString() };
  const rows = await session.read((tx) => repo.patientAccessHistory(tx, org, patientId, iso, MAX_EXPORT_ENTRIES + 1));
  if (rows.length > MAX_EXPORT_ENTRIES) {
    throw badInput(`The range holds more than ${MAX_EXPORT_ENTRIES} entries: narrow from/to and export in parts`, 'from', {
      max: MAX_EXPORT_ENTRIES,
    });
  }
  const actors = new Map<string, string>();
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  for (const user of await loaders.userById.loadMany(actorIds)) {
    if (user && !(user instanceof Error)) actors.set(user.id, user.displayName);
  }
  const entries = rows.map((r) => ({
    occurredAt: r.sortKey,
    kind: r.kind,
    actorId: r.actorId,
    actorName: (r.actorId && actors.get(r.actorId)) ?? null,
    operationName: r.operationName,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    outcome: r.outcome,
    requestId: r.requestId,
  }));
  return { ...disclosureFile(patientId, range, entries, args.format), ...range };
};
