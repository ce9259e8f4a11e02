import type { ServiceRequest } from '@medplum/fhirtypes';
import type { ImagingOrderRow } from '../../patients/imaging-order-repository.js';
import { compact, instant, localSystem, reference, SNOMED, type MapContext } from './common.js';
import { PRIORITY } from './lab.js';

const STATUS: Record<string, ServiceRequest['status']> = {
  ORDERED: 'active',
  SCHEDULED: 'active',
  IN_PROGRESS: 'active',
  COMPLETED: 'completed',
  REPORTED: 'completed',
  CANCELLED: 'revoked',
};

/** DICOM modality codes (DCM). */
const MODALITY: Record<string, { code: string; display: string }> = {
  XRAY: { code: 'DX', display: 'Digital Radiography' },
  CT: { code: 'CT', display: 'Computed Tomography' },
  MRI: { code: 'MR', display: 'Magnetic Resonance' },
  ULTRASOUND: { code: 'US', display: 'Ultrasound' },
  MAMMOGRAPHY: { code: 'MG', display: 'Mammography' },
  NUCLEAR: { code: 'NM', display: 'Nuclear Medicine' },
  FLUOROSCOPY: { code: 'RF', display: 'Radio Fluoroscopy' },
  PET: { code: 'PT', display: 'Positron emission tomography' },
};

const LATERALITY: Record<string, { code: string; display: string }> = {
  LEFT: { code: '7771000', display: 'Left' },
  RIGHT: { code: '24028007', display: 'Right' },
  BILATERAL: { code: '51440002', display: 'Right and left' },
};

/** `imaging_orders` → ServiceRequest (category imaging; modality as DICOM code; findings and impression as notes). */
export function imagingOrderResource(o: ImagingOrderRow, { phi, organizationId }: MapContext): ServiceRequest {
  const modality = MODALITY[o.modality];
  const bodyPart = phi.pick('ImagingOrder.bodyPart', o.bodyPart);
  const laterality = o.laterality ? LATERALITY[o.laterality] : undefined;
  const indication = phi.pick('ImagingOrder.clinicalIndication', o.clinicalIndication);
  const notes = [
    phi.pick('ImagingOrder.findings', o.findings),
    phi.pick('ImagingOrder.impression', o.impression),
    phi.pick('ImagingOrder.allergyOverrideReason', o.allergyOverrideReason),
    phi.pick('ImagingOrder.cancellationReason', o.cancellationReason),
  ];
  return compact<ServiceRequest>({
    resourceType: 'ServiceRequest',
    id: o.id,
    meta: { versionId: String(o.version), lastUpdated: instant(o.updatedAt) },
    status: STATUS[o.status] ?? 'unknown',
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '363679005', display: 'Imaging' }] }],
    priority: PRIORITY[o.priority],
    code: {
      coding: [
        modality ? { system: 'http://dicom.nema.org/resources/ontology/DCM', ...modality } : { system: localSystem(organizationId, 'modalities'), code: o.modality },
      ],
    },
    bodySite: [
      bodyPart ? { coding: [{ system: localSystem(organizationId, 'body-parts'), display: bodyPart }] } : undefined,
      laterality ? { coding: [{ system: SNOMED, ...laterality }] } : undefined,
    ],
    subject: reference('Patient', o.patientId)!,
    encounter: reference('Encounter', o.encounterId),
    authoredOn: instant(o.orderedAt),
    occurrenceDateTime: instant(o.scheduledAt),
    requester: reference('Practitioner', o.orderedBy),
    reasonCode: indication ? [{ text: indication }] : undefined,
    note: notes.filter((n): n is string => !!n).map((text) => ({ text })),
  });
}
