import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import type { DrugAllergyRow } from '../../patients/drug-allergy-repository.js';
import type { ProblemRow } from '../../patients/problem-repository.js';
import { codeSystemUri, compact, instant, ourCoding, reference, SNOMED, type MapContext } from './common.js';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const SEVERITY: Record<string, { code: string; display: string }> = {
  MILD: { code: '255604002', display: 'Mild' },
  MODERATE: { code: '6736007', display: 'Moderate' },
  SEVERE: { code: '24484000', display: 'Severe' },
};

/** `problem_list` → Condition (problem-list-item): the code in the system the row names (ICD-10, SNOMED CT). */
export function conditionResource(p: ProblemRow, { phi, organizationId }: MapContext): Condition {
  const code = phi.pick('Problem.code', p.code);
  const description = phi.pick('Problem.description', p.description);
  const note = phi.pick('Problem.notes', p.notes);
  return compact<Condition>({
    resourceType: 'Condition',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: instant(p.updatedAt) },
    clinicalStatus: { coding: [{ system: CLINICAL, code: p.status.toLowerCase() }] },
    verificationStatus: { coding: [{ system: VERIFICATION, code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item', display: 'Problem List Item' }] }],
    severity: p.severity && SEVERITY[p.severity] ? { coding: [{ system: SNOMED, ...SEVERITY[p.severity]! }] } : undefined,
    code: code || description
      ? { coding: [code ? { system: codeSystemUri(phi.pick('Problem.codeSystem', p.codeSystem), organizationId), code, display: description } : { display: description }] }
      : undefined,
    subject: reference('Patient', p.patientId),
    encounter: reference('Encounter', p.encounterId),
    onsetDateTime: phi.pick('Problem.onsetDate', p.onsetDate),
    abatementDateTime: phi.pick('Problem.resolvedDate', p.resolvedDate),
    recordedDate: instant(p.createdAt),
    recorder: reference('Practitioner', p.recordedBy),
    note: note ? [{ text: note }] : undefined,
  });
}

const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const REACTION_SEVERITY: Record<string, 'mild' | 'moderate' | 'severe'> = { MILD: 'mild', MODERATE: 'moderate', SEVERE: 'severe', LIFE_THREATENING: 'severe' };

/** `drug_allergies` → AllergyIntolerance (medication). One entered in error has no clinical status (FHIR ait-2). */
export function allergyResource(a: DrugAllergyRow, { phi, organizationId }: MapContext): AllergyIntolerance {
  const inError = a.status === 'ENTERED_IN_ERROR';
  const reaction = phi.pick('DrugAllergy.reaction', a.reaction);
  const note = phi.pick('DrugAllergy.notes', a.notes);
  return compact<AllergyIntolerance>({
    resourceType: 'AllergyIntolerance',
    id: a.id,
    meta: { versionId: String(a.version), lastUpdated: instant(a.updatedAt) },
    clinicalStatus: inError ? undefined : { coding: [{ system: ALLERGY_CLINICAL, code: a.status.toLowerCase() }] },
    verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: inError ? 'entered-in-error' : 'confirmed' }] },
    type: 'allergy',
    category: ['medication'],
    criticality: a.severity === 'SEVERE' || a.severity === 'LIFE_THREATENING' ? 'high' : a.severity ? 'low' : undefined,
    code: { coding: [ourCoding(phi.pick('DrugAllergy.allergenCode', a.allergenCode), phi.pick('DrugAllergy.allergen', a.allergen), organizationId, 'drugs')] },
    patient: reference('Patient', a.patientId)!,
    onsetDateTime: phi.pick('DrugAllergy.onsetDate', a.onsetDate),
    recordedDate: instant(a.createdAt),
    recorder: reference('Practitioner', a.recordedBy),
    reaction: reaction ? [{ manifestation: [{ text: reaction }], severity: a.severity ? REACTION_SEVERITY[a.severity] : undefined }] : undefined,
    note: note ? [{ text: note }] : undefined,
  });
}
