import type { AuditEntry } from '../kernel/audit.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput } from '../kernel/errors.js';
import { optionalText } from '../kernel/validation.js';
import { shareEncounterOfPatient } from './encounter-repository.js';
import { encounterClosed, isClosedEncounter } from './encounter-rules.js';

/** A record written into a closed encounter, and why. */
export interface LateEntry {
  encounterId: string;
  encounterStatus: string;
  reason: string;
}

/**
 * The guard of every write that attaches a record to an encounter (vital signs, notes, problems, lab and imaging
 * orders, anatomy findings, prescriptions): the encounter must be the patient's, and a COMPLETED or CANCELLED
 * one takes the record only as a late entry with a reason (else CONFLICT, reason ENCOUNTER_CLOSED). The
 * encounter is share-locked until the write commits, so it cannot close in between. `lateEntryReason` is
 * ignored for an open encounter. Call auditLateEntry with the written record.
 */
export async function requireWritableEncounter(
  tx: TransactionSql,
  organizationId: string,
  target: { patientId: string; encounterId: string | null; lateEntryReason?: string | null },
): Promise<LateEntry | null> {
  if (!target.encounterId) return null;
  const encounter = await shareEncounterOfPatient(tx, organizationId, target.patientId, target.encounterId);
  if (!encounter) throw badInput('encounterId is not an encounter of this patient', 'encounterId');
  if (!isClosedEncounter(encounter.status)) return null;
  const reason = optionalText(target.lateEntryReason, 'lateEntryReason', 1000);
  if (!reason) throw encounterClosed(encounter);
  return { encounterId: encounter.id, encounterStatus: encounter.status, reason };
}

/** The audit row that marks a record as a late entry of its closed encounter (beside the record's own row). */
export function auditLateEntry(audit: (entry: AuditEntry) => void, late: LateEntry | null, entityType: string, entityId: string): void {
  if (!late) return;
  audit({
    action: 'encounter.late_entry',
    entityType: 'encounter',
    entityId: late.encounterId,
    after: { entityType, entityId, encounterStatus: late.encounterStatus, reason: late.reason },
  });
}
