import type { CodeableConcept, DiagnosticReport, Observation, ServiceRequest } from '@medplum/fhirtypes';
import type { LabResultRow, LabTestRow } from '../../patients/lab-test-repository.js';
import { compact, decimal, instant, INTERPRETATION, OBSERVATION_CATEGORY, ourCoding, reference, SNOMED, UCUM, type MapContext } from './common.js';

export const PRIORITY: Record<string, ServiceRequest['priority']> = { ROUTINE: 'routine', URGENT: 'urgent', STAT: 'stat' };

const REQUEST_STATUS: Record<string, ServiceRequest['status']> = {
  ORDERED: 'active',
  COLLECTED: 'active',
  IN_PROGRESS: 'active',
  RESULTED: 'completed',
  VERIFIED: 'completed',
  CANCELLED: 'revoked',
};

const REPORT_STATUS: Record<string, DiagnosticReport['status']> = {
  ORDERED: 'registered',
  COLLECTED: 'registered',
  IN_PROGRESS: 'partial',
  RESULTED: 'preliminary',
  VERIFIED: 'final',
  CANCELLED: 'cancelled',
};

const testCode = (t: LabTestRow, { phi, organizationId }: MapContext): CodeableConcept => ({
  coding: [ourCoding(phi.pick('LabTest.testCode', t.testCode), phi.pick('LabTest.testName', t.testName), organizationId, 'lab-tests')!],
});

/** `lab_tests` → ServiceRequest (the order; category laboratory procedure). */
export function labOrderResource(t: LabTestRow, ctx: MapContext): ServiceRequest {
  const { phi } = ctx;
  const indication = phi.pick('LabTest.clinicalIndication', t.clinicalIndication);
  const notes = [phi.pick('LabTest.notes', t.notes), phi.pick('LabTest.cancellationReason', t.cancellationReason)];
  return compact<ServiceRequest>({
    resourceType: 'ServiceRequest',
    id: t.id,
    meta: { versionId: String(t.version), lastUpdated: instant(t.updatedAt) },
    status: REQUEST_STATUS[t.status] ?? 'unknown',
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '108252007', display: 'Laboratory procedure' }] }],
    priority: PRIORITY[t.priority],
    code: testCode(t, ctx),
    subject: reference('Patient', t.patientId)!,
    encounter: reference('Encounter', t.encounterId),
    authoredOn: instant(t.orderedAt),
    requester: reference('Practitioner', t.orderedBy),
    reasonCode: indication ? [{ text: indication }] : undefined,
    note: notes.filter((n): n is string => !!n).map((text) => ({ text })),
  });
}

/** A lab test with results (or resulted) → DiagnosticReport (LAB) listing its result Observations. */
export function labReportResource(t: LabTestRow, resultIds: readonly string[], ctx: MapContext): DiagnosticReport {
  return compact<DiagnosticReport>({
    resourceType: 'DiagnosticReport',
    id: t.id,
    meta: { versionId: String(t.version), lastUpdated: instant(t.updatedAt) },
    basedOn: [reference('ServiceRequest', t.id)!],
    status: REPORT_STATUS[t.status] ?? 'unknown',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' }] }],
    code: testCode(t, ctx),
    subject: reference('Patient', t.patientId),
    encounter: reference('Encounter', t.encounterId),
    effectiveDateTime: instant(t.collectedAt ?? t.orderedAt),
    issued: instant(t.resultedAt),
    result: resultIds.map((id) => reference('Observation', id)!),
  });
}

const RESULT_STATUS: Record<string, Observation['status']> = {
  PRELIMINARY: 'preliminary',
  FINAL: 'final',
  CORRECTED: 'corrected',
  CANCELLED: 'cancelled',
};

const FLAG: Record<string, { code: string; display: string }> = {
  NORMAL: { code: 'N', display: 'Normal' },
  LOW: { code: 'L', display: 'Low' },
  HIGH: { code: 'H', display: 'High' },
  CRITICAL_LOW: { code: 'LL', display: 'Critical low' },
  CRITICAL_HIGH: { code: 'HH', display: 'Critical high' },
  ABNORMAL: { code: 'A', display: 'Abnormal' },
};

/** `lab_results` → Observation (category laboratory): a quantity when numeric, else the reported string. */
export function labResultResource(r: LabResultRow, { phi, organizationId }: MapContext): Observation {
  const numeric = decimal(phi.pick('LabResult.resultNumeric', r.resultNumeric));
  const unit = phi.pick('LabResult.resultUnit', r.resultUnit);
  const low = decimal(phi.pick('LabResult.referenceLow', r.referenceLow));
  const high = decimal(phi.pick('LabResult.referenceHigh', r.referenceHigh));
  const note = phi.pick('LabResult.notes', r.notes);
  const flag = r.abnormalFlag ? FLAG[r.abnormalFlag] : undefined;
  const ucum = unit ? { unit, system: UCUM, code: unit } : {};
  return compact<Observation>({
    resourceType: 'Observation',
    id: r.id,
    meta: { versionId: String(r.version), lastUpdated: instant(r.updatedAt) },
    basedOn: [reference('ServiceRequest', r.labTestId)!],
    status: RESULT_STATUS[r.status] ?? 'unknown',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [ourCoding(phi.pick('LabResult.analyteCode', r.analyteCode), phi.pick('LabResult.analyte', r.analyte), organizationId, 'lab-analytes')] },
    subject: reference('Patient', r.patientId),
    effectiveDateTime: instant(r.resultedAt),
    issued: instant(r.resultedAt),
    performer: r.resultedBy ? [reference('Practitioner', r.resultedBy)!] : undefined,
    valueQuantity: numeric !== undefined ? { value: numeric, ...ucum } : undefined,
    valueString: numeric === undefined ? phi.pick('LabResult.resultValue', r.resultValue) : undefined,
    interpretation: flag ? [{ coding: [{ system: INTERPRETATION, ...flag }] }] : undefined,
    // The range as numbers: its free-text rendering (`referenceRange`) is coded data, and FHIR `text` is free text.
    referenceRange: low !== undefined || high !== undefined ? [{ low: low !== undefined ? { value: low, ...ucum } : undefined, high: high !== undefined ? { value: high, ...ucum } : undefined }] : undefined,
    note: note ? [{ text: note }] : undefined,
  });
}
