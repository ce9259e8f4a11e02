/** The patient row: who the patient is, where they live, whom to call, how they are insured. */
import {
  FEMALE_FIRST_NAMES, INSURANCE_PROVIDERS, LANGUAGES, LANGUAGE_WEIGHTS, LAST_NAMES, MALE_FIRST_NAMES,
  RELATIONSHIPS, STREET_NAMES, STREET_SUFFIXES, asciiFold,
} from '../names.js';
import type { OrgState } from '../org-state.js';
import type { Buffers } from '../tables.js';
import { ageInYears, dayFromDate, iso, isoDate } from '../time.js';
import type { Patient, Sex } from './record.js';

const MIN_DOB_DAY = dayFromDate(1935, 1, 1);
const MAX_DOB_DAY = dayFromDate(2025, 12, 31);
const YEAR_DAYS = 365.25;

const NICKNAMES = ['Alex', 'Sam', 'Chris', 'Jo', 'Max', 'Kim', 'Pat', 'Nico', 'Mo', 'Bea', 'Liz', 'Kate', 'Ben', 'Dani', 'Rob', 'Tony', 'Vicky', 'Andy'];
const AGE_BANDS: readonly (readonly [number, number])[] = [[0, 4], [5, 17], [18, 34], [35, 49], [50, 64], [65, 79], [80, 90]];
const AGE_BAND_WEIGHTS = [6, 14, 22, 20, 20, 13, 5];
const BLOOD_TYPES = ['O_POSITIVE', 'A_POSITIVE', 'B_POSITIVE', 'AB_POSITIVE', 'O_NEGATIVE', 'A_NEGATIVE', 'B_NEGATIVE', 'AB_NEGATIVE', 'UNKNOWN'];
const BLOOD_TYPE_WEIGHTS = [33, 30, 8, 3, 6, 5, 2, 1, 12];

/** Writes the patient row and returns what the later steps need to know about the patient. */
export function writeDemographics(state: OrgState, b: Buffers, indexInOrg: number): Patient {
  const { ctx, rng, anchorDay } = state;
  const org = ctx.id;
  const clock = ctx.clock;
  const showcase = indexInOrg < 2; // the first patients of each organization get one of everything

  const patientId = rng.uuid();
  const mrnNumber = state.nextMrn++;
  const mrn = `MRN-${String(mrnNumber).padStart(6, '0')}`;
  const sex = rng.weighted<Sex>(['MALE', 'FEMALE', 'INTERSEX', 'UNKNOWN'], [49, 49.3, 0.2, 1.5]);
  const names = sex === 'MALE' ? MALE_FIRST_NAMES : sex === 'FEMALE' ? FEMALE_FIRST_NAMES : rng.chance(0.5) ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES;
  const firstName = rng.pick(names);
  const lastName = rng.pick(LAST_NAMES);
  const middleName = rng.chance(0.35) ? rng.pick(names) : null;
  const preferredName = rng.chance(0.04) ? rng.pick(NICKNAMES) : null;
  const [ageLo, ageHi] = rng.weighted(AGE_BANDS, AGE_BAND_WEIGHTS);
  const targetAge = rng.between(ageLo, ageHi);
  let dobDay = Math.max(MIN_DOB_DAY, anchorDay - Math.floor(targetAge * YEAR_DAYS) - rng.int(365));
  const latestDob = Math.min(MAX_DOB_DAY, anchorDay - 1);
  if (dobDay > latestDob) dobDay = latestDob - rng.int(300);
  const age = ageInYears(dobDay, anchorDay);
  const isChild = age < 18;

  const deceased = !showcase && age >= 18 && rng.chance(age >= 75 ? 0.06 : 0.004);
  const inactive = !deceased && !showcase && rng.chance(0.04);
  const deceasedDay = deceased ? anchorDay - rng.between(1, 400) : null;
  const status = deceased ? 'DECEASED' : inactive ? 'INACTIVE' : 'ACTIVE';
  let registeredDay = Math.max(dobDay + rng.int(20), anchorDay - rng.between(showcase ? 400 : 1, 6 * 365));
  if (deceasedDay !== null) registeredDay = Math.min(registeredDay, deceasedDay - 30);
  const registeredAt = clock.at(registeredDay, 8 * 60 + rng.int(9 * 60));
  const lastActivityDay = deceasedDay ?? anchorDay;

  const region = ctx.region;
  const [city, zipPrefix] = rng.pick(region.cities);
  const phone = rng.chance(0.92) ? `+1-${rng.pick(region.areaCodes)}-555-${rng.digits(4)}` : null;
  const emailName = `${asciiFold(firstName) || 'patient'}.${asciiFold(lastName) || 'record'}`;
  const email = !isChild && rng.chance(0.72) ? `${emailName}${rng.between(1, 999)}@${rng.pick(['example.com', 'example.org', 'example.net'])}` : null;
  const address1 = `${rng.between(1, 9899)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`;
  const address2 = rng.chance(0.14) ? (rng.chance(0.6) ? `Apt ${rng.between(1, 40)}${rng.pick(['A', 'B', 'C', 'D'])}` : `Unit ${rng.between(100, 999)}`) : null;
  const language = rng.weighted(LANGUAGES, LANGUAGE_WEIGHTS);
  const marital = isChild
    ? 'SINGLE'
    : rng.weighted(['SINGLE', 'MARRIED', 'DOMESTIC_PARTNER', 'SEPARATED', 'DIVORCED', 'WIDOWED', 'UNKNOWN'],
        age < 30 ? [70, 20, 6, 1, 1, 0, 2] : age < 65 ? [22, 52, 6, 3, 13, 2, 2] : [8, 50, 2, 2, 14, 22, 2]);
  const genderIdentity = rng.chance(0.7)
    ? null
    : rng.chance(0.97)
      ? sex === 'FEMALE' ? 'Woman' : sex === 'MALE' ? 'Man' : 'Non-binary'
      : rng.pick(['Non-binary', 'Transgender woman', 'Transgender man', 'Genderqueer']);
  const contactRelationship = isChild ? rng.pick(['Parent', 'Guardian', 'Grandparent']) : rng.pick(RELATIONSHIPS);
  const contactName = `${rng.pick(rng.chance(0.5) ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES)} ${rng.chance(0.6) ? lastName : rng.pick(LAST_NAMES)}`;
  const insured = rng.chance(0.9);
  const insurer = !insured
    ? null
    : age >= 65 && rng.chance(0.7) ? 'Medicare' : isChild && rng.chance(0.4) ? 'Medicaid' : rng.pick(INSURANCE_PROVIDERS);
  const policy = insurer ? `${String.fromCharCode(65 + rng.int(26), 65 + rng.int(26))}${rng.digits(9)}` : null;
  const deceasedAt = deceasedDay !== null ? clock.at(deceasedDay, rng.int(24 * 60)) : null;
  const patientUpdated = deceasedAt ?? registeredAt;

  b.ehr_patients.add([
    org, patientId, mrn, firstName, middleName, lastName, preferredName, isoDate(dobDay), sex, genderIdentity, phone,
    email, address1, address2, city, region.region, `${zipPrefix}${rng.digits(2)}`, 'US', language, marital,
    rng.weighted(BLOOD_TYPES, BLOOD_TYPE_WEIGHTS), contactName, `+1-${rng.pick(region.areaCodes)}-555-${rng.digits(4)}`,
    contactRelationship, insurer, policy, status, deceasedAt === null ? null : iso(deceasedAt), iso(registeredAt),
    iso(patientUpdated),
  ]);

  return {
    id: patientId, indexInOrg, showcase, sex, dobDay, age, isChild, status, registeredDay, registeredAt, deceasedAt,
    lastActivityDay, insured,
  };
}

/** Keeps a uniform sample of 400 of the organization's patients (reservoir sampling) for today's outpatient queue. */
export function sampleForQueue(state: OrgState, patient: Patient): void {
  const candidate = { id: patient.id, age: patient.age, active: patient.status === 'ACTIVE' };
  state.generated += 1;
  if (state.queueCandidates.length < 400) {
    state.queueCandidates.push(candidate);
  } else {
    const j = state.rng.int(state.generated);
    if (j < 400) state.queueCandidates[j] = candidate;
  }
}
