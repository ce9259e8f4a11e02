import type { AuditEventResolvers } from '../../generated/graphql.js';
import { changedFieldNames } from '../compliance-rules.js';

export const AuditEvent: AuditEventResolvers = {
  eventId: (e) => e.id,
  actorId: (e) => e.actorUserId,
  actor: (e, _args, ctx) => (e.actorUserId ? ctx.loaders.userById.load(e.actorUserId) : null),
  patient: (e, _args, ctx) => (e.patientId ? ctx.loaders.patientById.load(e.patientId) : null),
  changedFields: (e) => changedFieldNames(e.changes),
};
