import type { DomainModule } from '../kernel/domain-module.js';
import { AuditEvent } from './resolvers/AuditEvent.js';
import { PatientAccessEntry } from './resolvers/PatientAccessEntry.js';
import { accountingOfDisclosures } from './resolvers/Query/accountingOfDisclosures.js';
import { auditEvents } from './resolvers/Query/auditEvents.js';
import { patientAccessLog } from './resolvers/Query/patientAccessLog.js';

/** Compliance: the audit trail, patients' access logs and accountings of disclosures (AUDIT_READ), read only. */
export const complianceModule: DomainModule = {
  resolvers: {
    Query: { auditEvents, patientAccessLog, accountingOfDisclosures },
    AuditEvent,
    PatientAccessEntry,
  },
};
