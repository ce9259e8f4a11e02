import type { MedicationRequest } from '@medplum/fhirtypes';
import type { PrescriptionRow } from '../../patients/prescription-repository.js';
import { compact, decimal, instant, localSystem, ourCoding, reference, SNOMED, UCUM, type MapContext } from './common.js';

const STATUS: Record<string, MedicationRequest['status']> = {
  ACTIVE: 'active',
  COMPLETED: 'completed',
  DISCONTINUED: 'stopped',
  CANCELLED: 'cancelled',
  ON_HOLD: 'on-hold',
};

/** SNOMED CT route of administration concepts. */
const ROUTE: Record<string, { code: string; display: string }> = {
  ORAL: { code: '26643006', display: 'Oral route' },
  IV: { code: '47625008', display: 'Intravenous route' },
  IM: { code: '78421000', display: 'Intramuscular route' },
  SC: { code: '34206005', display: 'Subcutaneous route' },
  TOPICAL: { code: '6064005', display: 'Topical route' },
  INHALED: { code: '447694001', display: 'Respiratory tract route' },
  SUBLINGUAL: { code: '37839007', display: 'Sublingual route' },
  RECTAL: { code: '37161004', display: 'Rectal route' },
  OPHTHALMIC: { code: '54485002', display: 'Ophthalmic route' },
  OTIC: { code: '10547007', display: 'Otic route' },
  NASAL: { code: '46713006', display: 'Nasal route' },
  TRANSDERMAL: { code: '45890007', display: 'Transdermal route' },
};

/**
 * `prescriptions` → MedicationRequest (intent order). The dose, route, frequency and supply are structured;
 * FHIR's free-text elements (Dosage.text, patientInstruction, statusReason, note) carry what the schema
 * classifies as free text, so they reach exactly the roles that read `Prescription.instructions`.
 */
export function medicationRequestResource(p: PrescriptionRow, { phi, organizationId }: MapContext): MedicationRequest {
  const freeText = phi.reads('Prescription.instructions');
  const dosage = phi.pick('Prescription.dosage', p.dosage);
  const frequency = phi.pick('Prescription.frequency', p.frequency);
  const doseAmount = decimal(phi.pick('Prescription.doseAmount', p.doseAmount));
  const doseUnit = phi.pick('Prescription.doseUnit', p.doseUnit);
  const override = phi.pick('Prescription.allergyOverrideReason', p.allergyOverrideReason);
  const discontinued = phi.pick('Prescription.discontinuedReason', p.discontinuedReason);
  return compact<MedicationRequest>({
    resourceType: 'MedicationRequest',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: instant(p.updatedAt) },
    status: STATUS[p.status] ?? 'unknown',
    intent: 'order',
    medicationCodeableConcept: {
      coding: [ourCoding(phi.pick('Prescription.medicationCode', p.medicationCode), phi.pick('Prescription.medicationName', p.medicationName), organizationId, 'drugs')],
    },
    subject: reference('Patient', p.patientId)!,
    encounter: reference('Encounter', p.encounterId),
    authoredOn: instant(p.createdAt),
    requester: reference('Practitioner', p.prescriberId),
    statusReason: discontinued ? { text: discontinued } : undefined,
    note: override ? [{ text: `Allergy alert overridden: ${override}` }] : undefined,
    dosageInstruction: [
      {
        text: freeText && dosage ? [dosage, frequency].filter(Boolean).join(' ') : undefined,
        patientInstruction: phi.pick('Prescription.instructions', p.instructions),
        timing: frequency ? { code: { coding: [{ system: localSystem(organizationId, 'frequencies'), code: frequency }] } } : undefined,
        route: ROUTE[p.route] ? { coding: [{ system: SNOMED, ...ROUTE[p.route]! }] } : undefined,
        doseAndRate: doseAmount !== undefined ? [{ doseQuantity: { value: doseAmount, unit: doseUnit, ...(doseUnit ? { system: UCUM, code: doseUnit } : {}) } }] : undefined,
      },
    ],
    dispenseRequest: {
      validityPeriod: { start: phi.pick('Prescription.startDate', p.startDate), end: phi.pick('Prescription.endDate', p.endDate) },
      numberOfRepeatsAllowed: p.refills,
      quantity: decimal(phi.pick('Prescription.quantity', p.quantity)) !== undefined ? { value: decimal(p.quantity) } : undefined,
      expectedSupplyDuration: p.durationDays !== null ? { value: p.durationDays, unit: 'days', system: UCUM, code: 'd' } : undefined,
    },
  });
}
