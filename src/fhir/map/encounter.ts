import type { Encounter } from '@medplum/fhirtypes';
import type { EncounterRow } from '../../patients/encounter-repository.js';
import { compact, instant, reference, type MapContext } from './common.js';

const STATUS: Record<string, Encounter['status']> = {
  PLANNED: 'planned',
  IN_PROGRESS: 'in-progress',
  COMPLETED: 'finished',
  CANCELLED: 'cancelled',
};

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const CLASS: Record<string, { code: string; display: string }> = {
  OUTPATIENT: { code: 'AMB', display: 'ambulatory' },
  FOLLOW_UP: { code: 'AMB', display: 'ambulatory' },
  INPATIENT: { code: 'IMP', display: 'inpatient encounter' },
  EMERGENCY: { code: 'EMER', display: 'emergency' },
  TELEHEALTH: { code: 'VR', display: 'virtual' },
  HOME_VISIT: { code: 'HH', display: 'home health' },
};

/** `encounters` → Encounter: class from the encounter type (v3 ActCode), reason and complaint as reason texts. */
export function encounterResource(e: EncounterRow, { phi }: MapContext): Encounter {
  const reason = phi.pick('Encounter.reason', e.reason);
  const complaint = phi.pick('Encounter.chiefComplaint', e.chiefComplaint);
  const disposition = phi.pick('Encounter.dischargeDisposition', e.dischargeDisposition);
  const cls = CLASS[e.encounterType] ?? { code: 'AMB', display: 'ambulatory' };
  return compact<Encounter>({
    resourceType: 'Encounter',
    id: e.id,
    meta: { versionId: String(e.version), lastUpdated: instant(e.updatedAt) },
    status: STATUS[e.status] ?? 'unknown',
    class: { system: ACT_CODE, ...cls },
    type: [{ coding: [{ system: 'urn:health-graphql:encounter-type', code: e.encounterType }] }],
    subject: reference('Patient', e.patientId),
    participant: [{ individual: reference('Practitioner', e.providerId) }],
    period: { start: instant(e.startedAt ?? e.encounterAt), end: instant(e.endedAt) },
    reasonCode: [reason ? { text: reason } : undefined, complaint ? { text: complaint } : undefined],
    hospitalization: disposition ? { dischargeDisposition: { text: disposition } } : undefined,
  });
}
