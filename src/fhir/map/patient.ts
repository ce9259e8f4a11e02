import type { Patient } from '@medplum/fhirtypes';
import type { PatientRow } from '../../patients/patient-repository.js';
import { compact, instant, mrnSystem, type MapContext } from './common.js';

const GENDER: Record<string, Patient['gender']> = { MALE: 'male', FEMALE: 'female', INTERSEX: 'other', UNKNOWN: 'unknown' };

const MARITAL: Record<string, { system: string; code: string }> = {
  SINGLE: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'S' },
  MARRIED: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' },
  DOMESTIC_PARTNER: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'T' },
  SEPARATED: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'L' },
  DIVORCED: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'D' },
  WIDOWED: { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'W' },
  UNKNOWN: { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK' },
};

const BCP47 = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** `ehr_patients` → Patient. The MRN is the identifier, under a system of the patient's organization. */
export function patientResource(p: PatientRow, { phi, organizationId }: MapContext): Patient {
  const mrn = phi.pick('Patient.mrn', p.mrn);
  const family = phi.pick('Patient.lastName', p.lastName);
  const given = [phi.pick('Patient.firstName', p.firstName), phi.pick('Patient.middleName', p.middleName)].filter((g): g is string => !!g);
  const phone = phi.pick('Patient.phone', p.phone);
  const email = phi.pick('Patient.email', p.email);
  const preferred = phi.pick('Patient.preferredName', p.preferredName);
  const language = phi.pick('Patient.preferredLanguage', p.preferredLanguage);
  // Roles without identifiers read the birth year only (`Patient.birthYear`): FHIR dates may be a bare year.
  const birthDate = phi.pick('Patient.dateOfBirth', p.dateOfBirth) ?? phi.pick('Patient.birthYear', p.dateOfBirth.slice(0, 4));
  // A FHIR Address and contact hold the street and the person: present only to roles that read those parts.
  const address = phi.reads('Address.line1') && {
    use: 'home' as const,
    line: [phi.pick('Address.line1', p.addressLine1), phi.pick('Address.line2', p.addressLine2)].filter((l): l is string => !!l),
    city: phi.pick('Address.city', p.city),
    state: phi.pick('Address.region', p.region),
    postalCode: phi.pick('Address.postalCode', p.postalCode),
    country: phi.pick('Address.country', p.country),
  };
  const contactName = phi.pick('EmergencyContact.name', p.emergencyContactName);
  const contactPhone = phi.pick('EmergencyContact.phone', p.emergencyContactPhone);
  const relationship = phi.pick('EmergencyContact.relationship', p.emergencyContactRelationship);
  return compact<Patient>({
    resourceType: 'Patient',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: instant(p.updatedAt) },
    identifier: mrn
      ? [{
          use: 'usual',
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
          system: mrnSystem(organizationId),
          value: mrn,
        }]
      : undefined,
    active: p.status !== 'INACTIVE',
    name: [
      ...(family || given.length ? [{ use: 'official' as const, family, given }] : []),
      ...(preferred ? [{ use: 'usual' as const, given: [preferred] }] : []),
    ],
    telecom: [
      ...(phone ? [{ system: 'phone' as const, value: phone, use: 'home' as const }] : []),
      ...(email ? [{ system: 'email' as const, value: email }] : []),
    ],
    gender: p.sexAtBirth ? GENDER[p.sexAtBirth] : undefined,
    birthDate,
    deceasedDateTime: p.status === 'DECEASED' ? instant(p.deceasedAt) : undefined,
    address: address ? [address] : undefined,
    maritalStatus: p.maritalStatus && MARITAL[p.maritalStatus] ? { coding: [MARITAL[p.maritalStatus]!] } : undefined,
    contact:
      contactName || contactPhone
        ? [{
            relationship: relationship ? [{ text: relationship }] : undefined,
            name: contactName ? { text: contactName } : undefined,
            telecom: contactPhone ? [{ system: 'phone', value: contactPhone }] : undefined,
          }]
        : undefined,
    communication: language
      ? [{ language: { coding: [BCP47.test(language) ? { system: 'urn:ietf:bcp:47', code: language } : { display: language }] }, preferred: true }]
      : undefined,
  });
}
