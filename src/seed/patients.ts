/**
 * One synthetic patient and their whole record: demographics, encounters,
 * vitals, problems, notes, labs, imaging, findings, allergies, prescriptions,
 * appointments, invoices with payments, and lab-order workflow instances.
 * Every row is buffered as COPY text; values satisfy the schema's CHECKs.
 */
import {
  ALLERGENS, CONDITIONS, FINDINGS, IMAGING_BY_KEY, IMAGING_STUDIES, LAB_PANEL_BY_KEY, MEDICATION_BY_KEY,
  PEDIATRIC_REASONS, ROUTINE_REASONS, SYMPTOMATIC_MEDS, ageBand, labAbnormalFlag, vitalAbnormalFlags,
  type Analyte, type Condition, type ImagingStudy, type LabPanel, type Medication, type VitalValues,
} from './clinical.js';
import { textArray } from './copy.js';
import {
  FEMALE_FIRST_NAMES, INSURANCE_PROVIDERS, LANGUAGES, LANGUAGE_WEIGHTS, LAST_NAMES, MALE_FIRST_NAMES,
  RELATIONSHIPS, STREET_NAMES, STREET_SUFFIXES, asciiFold,
} from './names.js';
import type { Rng } from './random.js';
import { money, rate, type CatalogItem, type Department, type OrgContext, type StaffUser } from './setup.js';
import type { Buffers } from './tables.js';
import { DAY, HOUR, MINUTE, ageInYears, dayFromDate, isWeekend, iso, isoDate, weekday } from './time.js';

/** Appointment slots: 18 half-hour slots (08:00–17:00 local) on each weekday of a window, per physician. */
export class SlotBook {
  static readonly PER_DAY = 18;
  private readonly used: Uint8Array[];

  constructor(
    readonly days: readonly number[],
    providers: number,
  ) {
    this.used = Array.from({ length: providers }, () => new Uint8Array(days.length * SlotBook.PER_DAY));
  }

  /**
   * A free slot of the provider on a day in [minDay, maxDay], or null when
   * none is left: [day number, local minute of day].
   */
  take(rng: Rng, provider: number, minDay: number, maxDay: number): [number, number] | null {
    const used = this.used[provider]!;
    const lo = firstIndexAtLeast(this.days, minDay) * SlotBook.PER_DAY;
    const hi = firstIndexAtLeast(this.days, maxDay + 1) * SlotBook.PER_DAY;
    const n = hi - lo;
    if (n <= 0) return null;
    const start = rng.int(n);
    for (let k = 0; k < n; k++) {
      const slot = lo + ((start + k) % n);
      if (used[slot] === 0) {
        used[slot] = 1;
        return [this.days[Math.floor(slot / SlotBook.PER_DAY)]!, 8 * 60 + (slot % SlotBook.PER_DAY) * 30];
      }
    }
    return null;
  }

  static weekdays(fromDay: number, toDay: number): number[] {
    // (sorted ascending, as take() requires)
    const days: number[] = [];
    for (let d = fromDay; d <= toDay; d++) if (!isWeekend(d)) days.push(d);
    return days;
  }
}

function firstIndexAtLeast(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface OrgState {
  ctx: OrgContext;
  rng: Rng;
  /** UTC day number of "today" (the anchor all dates are relative to). */
  anchorDay: number;
  nowMs: number;
  bodySystems: ReadonlyMap<string, string>;
  pastSlots: SlotBook;
  futureSlots: SlotBook;
  nextMrn: number;
  nextInvoiceSeq: number;
  labInstances: number;
  activeLabInstances: number;
  /** A sample of the organization's patients (for today's outpatient queue). */
  queueCandidates: { id: string; age: number; active: boolean }[];
  generated: number;
}

type Sex = 'MALE' | 'FEMALE' | 'INTERSEX' | 'UNKNOWN';

interface Encounter {
  id: string;
  type: string;
  status: string;
  at: number;
  startedAt: number | null;
  endedAt: number | null;
  provider: StaffUser;
  department: Department;
  acute: Condition | null;
  reason: string;
  vitals: VitalValues | null;
  labPanels: string[];
  imaging: string[];
  prescriptions: number;
}

interface Problem {
  condition: Condition;
  status: string;
  encounter: Encounter | null;
  onsetDay: number;
}

const MIN_DOB_DAY = dayFromDate(1935, 1, 1);
const MAX_DOB_DAY = dayFromDate(2025, 12, 31);
const YEAR_DAYS = 365.25;

const NICKNAMES = ['Alex', 'Sam', 'Chris', 'Jo', 'Max', 'Kim', 'Pat', 'Nico', 'Mo', 'Bea', 'Liz', 'Kate', 'Ben', 'Dani', 'Rob', 'Tony', 'Vicky', 'Andy'];
const AGE_BANDS: readonly (readonly [number, number])[] = [[0, 4], [5, 17], [18, 34], [35, 49], [50, 64], [65, 79], [80, 90]];
const AGE_BAND_WEIGHTS = [6, 14, 22, 20, 20, 13, 5];
const BLOOD_TYPES = ['O_POSITIVE', 'A_POSITIVE', 'B_POSITIVE', 'AB_POSITIVE', 'O_NEGATIVE', 'A_NEGATIVE', 'B_NEGATIVE', 'AB_NEGATIVE', 'UNKNOWN'];
const BLOOD_TYPE_WEIGHTS = [33, 30, 8, 3, 6, 5, 2, 1, 12];
const ENCOUNTER_COUNTS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const ENCOUNTER_COUNT_WEIGHTS = [6, 17, 22, 21, 14, 9, 6, 3, 2]; // mean ≈ 3
const CANCEL_REASONS = ['Patient request', 'Provider unavailable', 'Patient feeling better', 'Scheduling conflict', 'Transportation problem', 'Weather'];

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const ageAt = ageInYears;

function pickConditions(rng: Rng, age: number, sex: Sex, count: number, allowAcute: boolean): Condition[] {
  const band = ageBand(age);
  const pool = CONDITIONS.filter(
    (c) => (c.sex === undefined || c.sex === sex) && c.weights[band] > 0 && (allowAcute || c.chronic),
  );
  const chosen: Condition[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const c = rng.weighted(pool, pool.map((p) => p.weights[band]));
    chosen.push(c);
    pool.splice(pool.indexOf(c), 1);
  }
  return chosen;
}

/** Generates one patient with all nested records into `b`. */
export function generatePatient(state: OrgState, b: Buffers, indexInOrg: number): void {
  const { ctx, rng, anchorDay, nowMs } = state;
  const org = ctx.id;
  const clock = ctx.clock;
  const showcase = indexInOrg < 2; // the first patients of each organization get one of everything

  // ---------------------------------------------------------------- demographics
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
  const age = ageAt(dobDay, anchorDay);
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

  state.generated += 1;
  if (state.queueCandidates.length < 400) {
    state.queueCandidates.push({ id: patientId, age, active: status === 'ACTIVE' });
  } else {
    const j = rng.int(state.generated);
    if (j < 400) state.queueCandidates[j] = { id: patientId, age, active: status === 'ACTIVE' };
  }

  // Patient-level physiology: adult height and a body-mass tendency.
  const adultHeight = sex === 'MALE' ? rng.normal(176, 7) : sex === 'FEMALE' ? rng.normal(163, 6.5) : rng.normal(170, 8);
  const bmiZ = rng.normal(0, 1);
  const primary = rng.int(ctx.physicians.length);

  // ---------------------------------------------------------------- problems (chosen first, recorded later)
  const problemCount = showcase ? rng.between(2, 3) : rng.weighted([0, 1, 2, 3, 4], [25, 30, 25, 12, 8]);
  const encounterCount = showcase ? Math.max(2, rng.weighted(ENCOUNTER_COUNTS, ENCOUNTER_COUNT_WEIGHTS)) : rng.weighted(ENCOUNTER_COUNTS, ENCOUNTER_COUNT_WEIGHTS);
  const windowStart = Math.max(registeredDay, anchorDay - 3 * 365, dobDay + 1);
  const windowEnd = lastActivityDay - 1;
  const canMeet = windowStart <= windowEnd;
  const conditions = pickConditions(rng, age, sex, problemCount, canMeet && encounterCount > 0);
  const chronic = conditions.filter((c) => c.chronic);
  const acute = conditions.filter((c) => !c.chronic);
  const conditionKeys = new Set(conditions.map((c) => c.key));
  const bmi = (conditionKeys.has('OBESITY') ? 31 + Math.abs(rng.normal(0, 4)) : 26.5 + 4.5 * bmiZ);

  // ---------------------------------------------------------------- encounters
  const encounters: Encounter[] = [];
  if (canMeet) {
    const days: number[] = [];
    for (let i = 0; i < encounterCount; i++) days.push(rng.between(windowStart, windowEnd));
    if (indexInOrg === 1 && days.length > 0) days[0] = windowEnd; // a recent visit with open orders
    days.sort((x, y) => x - y);
    const acuteQueue = acute.slice();
    days.forEach((day, i) => {
      // Acute problems go to random visits (at least one visit each).
      const takeAcute = acuteQueue.length > 0 && (rng.chance(0.5) || days.length - i <= acuteQueue.length);
      const cond = takeAcute ? acuteQueue.shift()! : null;
      encounters.push(makeEncounter(state, day, cond, chronic, age, primary, indexInOrg === 1 && i === days.length - 1));
    });
  }
  // A few planned future visits.
  if (status === 'ACTIVE' && rng.chance(0.03)) {
    const day = anchorDay + rng.between(1, 30);
    const provider = ctx.physicians[primary]!;
    const at = clock.at(isWeekend(day) ? day + 2 : day, 8 * 60 + rng.int(34) * 15);
    encounters.push({
      id: rng.uuid(), type: 'FOLLOW_UP', status: 'PLANNED', at, startedAt: null, endedAt: null, provider,
      department: departmentFor(ctx, isChild, chronic), acute: null, reason: chronic[0] ? cap(chronic[0].complaint) : 'Routine follow-up',
      vitals: null, labPanels: [], imaging: [], prescriptions: 0,
    });
  }
  const seen = encounters.filter((e) => e.status === 'COMPLETED' || e.status === 'IN_PROGRESS');

  for (const e of encounters) {
    const created = e.type === 'EMERGENCY' || e.type === 'INPATIENT'
      ? e.at
      : Math.min(nowMs - HOUR, e.at, Math.max(registeredAt, e.at - rng.between(1, 30) * DAY));
    const scheduled = e.type === 'EMERGENCY' || e.type === 'INPATIENT' ? null : e.at;
    const disposition = e.status !== 'COMPLETED'
      ? null
      : e.type === 'EMERGENCY'
        ? rng.weighted(['Discharged home', 'Admitted to inpatient ward', 'Transferred to another facility', 'Left against medical advice'], [85, 10, 3, 2])
        : e.type === 'INPATIENT'
          ? rng.weighted(['Discharged home', 'Discharged home with home health', 'Discharged to skilled nursing facility'], [78, 12, 10])
          : 'Home';
    const notes = e.status === 'CANCELLED'
      ? `Cancelled: ${rng.pick(CANCEL_REASONS).toLowerCase()}.`
      : rng.chance(0.2) ? rng.pick(['Accompanied by family member.', 'Interpreter used.', 'Patient arrived late.', 'Follow-up arranged.', 'Records from outside provider reviewed.']) : null;
    b.encounters.add([
      org, e.id, patientId, e.provider.id, e.department.id, e.type, e.status, iso(e.at), e.reason,
      e.acute ? cap(e.acute.complaint) : null, notes, scheduled === null ? null : iso(scheduled),
      e.startedAt === null ? null : iso(e.startedAt), e.endedAt === null ? null : iso(e.endedAt), disposition,
      iso(created), iso(e.endedAt ?? e.startedAt ?? created),
    ]);
  }

  // ---------------------------------------------------------------- vital signs
  for (const e of seen) {
    const ageNow = ageAt(dobDay, Math.floor(e.at / DAY));
    const count = e.type === 'TELEHEALTH' ? 1 : e.type === 'INPATIENT' ? rng.between(2, 3) : rng.weighted([1, 2, 3], [25, 45, 30]);
    const span = Math.max(10 * MINUTE, (e.endedAt ?? Math.min(nowMs, e.startedAt! + 2 * HOUR)) - e.startedAt!);
    for (let k = 0; k < count; k++) {
      const recordedAt = Math.min(nowMs - MINUTE, e.startedAt! + Math.floor((span * k) / count) + rng.int(8) * MINUTE);
      const recorder = e.type === 'TELEHEALTH' ? e.provider : rng.pick(ctx.nurses);
      let v: VitalValues;
      let weight: number | null = null;
      let height: number | null = null;
      let pain: number | null = null;
      if (e.type === 'TELEHEALTH') {
        v = { systolicBp: null, diastolicBp: null, heartRate: null, respiratoryRate: null, temperatureC: null, spo2: null };
        weight = bodyWeight(ageNow, adultHeight, bmi, rng);
      } else {
        v = vitalValues(rng, ageNow, conditionKeys, e, k);
        if (k === 0) {
          weight = bodyWeight(ageNow, adultHeight, bmi, rng);
          if (ageNow < 18 || rng.chance(0.35)) height = bodyHeight(ageNow, adultHeight);
        }
      }
      if (rng.chance(0.6)) {
        pain = e.acute ? rng.between(2, 7) : conditionKeys.has('LBP') || conditionKeys.has('OA_KNEE') ? rng.between(2, 6) : rng.weighted([0, 1, 2, 3], [70, 12, 10, 8]);
      }
      if (k === 0 && e.vitals === null) e.vitals = v;
      const flags = vitalAbnormalFlags(v, ageAt(dobDay, Math.floor(recordedAt / DAY)));
      b.vital_signs.add([
        org, rng.uuid(), patientId, e.id, recorder.id, iso(recordedAt), v.systolicBp, v.diastolicBp, v.heartRate,
        v.respiratoryRate, v.temperatureC === null ? null : v.temperatureC.toFixed(1), v.spo2,
        weight === null ? null : weight.toFixed(2), height === null ? null : height.toFixed(1), pain,
        e.type === 'TELEHEALTH' ? 'Patient-reported weight (telehealth).' : flags.length > 0 && rng.chance(0.4) ? 'Repeat measurement advised.' : null,
        flags.length > 0, textArray(flags), iso(recordedAt), iso(recordedAt),
      ]);
    }
  }

  // ---------------------------------------------------------------- problem list
  const firstSeen = seen[0] ?? null;
  const problems: Problem[] = [];
  for (const c of conditions) {
    let encounter: Encounter | null;
    let onsetDay: number;
    let statusValue: string;
    let resolvedDay: number | null = null;
    if (!c.chronic) {
      encounter = encounters.find((e) => e.acute === c) ?? null;
      if (!encounter) continue;
      onsetDay = Math.max(dobDay, Math.floor(encounter.at / DAY) - rng.between(0, 4));
      const resolveDay = Math.floor(encounter.at / DAY) + rng.between(5, 21);
      if (resolveDay < anchorDay && encounter.status !== 'CANCELLED') {
        statusValue = rng.chance(0.92) ? 'RESOLVED' : 'INACTIVE';
        if (statusValue === 'RESOLVED') resolvedDay = resolveDay;
      } else {
        statusValue = 'ACTIVE';
      }
    } else {
      encounter = firstSeen;
      const recordedDay = encounter ? Math.floor(encounter.at / DAY) : Math.min(registeredDay, lastActivityDay - 1);
      const earliest = Math.max(dobDay + 365, recordedDay - 12 * 365);
      onsetDay = earliest < recordedDay ? rng.between(earliest, recordedDay) : recordedDay;
      statusValue = rng.weighted(['ACTIVE', 'INACTIVE', 'RESOLVED'], [88, 7, 5]);
      if (statusValue === 'RESOLVED') resolvedDay = Math.min(anchorDay - 1, onsetDay + rng.between(60, 900));
      if (resolvedDay !== null && resolvedDay < onsetDay) resolvedDay = onsetDay;
    }
    const recorder = encounter?.provider ?? ctx.physicians[primary]!;
    const recordedAt = encounter ? (encounter.startedAt ?? encounter.at) + 20 * MINUTE : registeredAt + HOUR;
    problems.push({ condition: c, status: statusValue, encounter, onsetDay });
    b.problem_list.add([
      org, rng.uuid(), patientId, encounter?.id ?? null, c.code, 'ICD-10-CM', c.description, statusValue,
      rng.weighted(['MILD', 'MODERATE', 'SEVERE'], [50, 40, 10]), isoDate(onsetDay),
      resolvedDay === null ? null : isoDate(resolvedDay), recorder.id,
      rng.chance(0.15) ? rng.pick(['Patient educated on condition.', 'Discussed lifestyle modification.', 'Monitor at next visit.', 'Family history positive.']) : null,
      iso(recordedAt), iso(resolvedDay === null ? recordedAt : Math.max(recordedAt, resolvedDay * DAY + 9 * HOUR)),
    ]);
  }

  // ---------------------------------------------------------------- drug allergies
  const allergyCount = showcase ? 1 : rng.weighted([0, 1, 2], [76, 19, 5]);
  const allergyClasses = new Set<string>();
  const allergens = allergyCount === 0 ? [] : pickAllergens(rng, allergyCount);
  for (const a of allergens) {
    const allergyStatus = showcase ? 'ACTIVE' : rng.weighted(['ACTIVE', 'INACTIVE', 'RESOLVED', 'ENTERED_IN_ERROR'], [92, 3, 3, 2]);
    if (allergyStatus === 'ACTIVE') allergyClasses.add(a.drugClass);
    const reaction = rng.pick(a.reactions);
    const severity = /anaphyla|stevens|angioedema/i.test(reaction)
      ? rng.pick(['SEVERE', 'LIFE_THREATENING'])
      : rng.weighted(['MILD', 'MODERATE', 'SEVERE'], [45, 45, 10]);
    const onset = rng.chance(0.6) && registeredDay > dobDay ? isoDate(rng.between(dobDay, registeredDay)) : null;
    b.drug_allergies.add([
      org, rng.uuid(), patientId, a.allergen, a.code, reaction, severity, allergyStatus, onset, rng.pick(ctx.nurses).id,
      allergyStatus === 'ENTERED_IN_ERROR' ? 'Recorded for the wrong patient.' : null, iso(registeredAt + 30 * MINUTE),
      iso(registeredAt + 30 * MINUTE),
    ]);
  }

  // ---------------------------------------------------------------- clinical notes
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.36) || (showcase && i === 0))) continue;
    writeNote(state, b, patientId, e, ageAt(dobDay, Math.floor(e.at / DAY)), sex, problems, rng.chance(0.015) || (indexInOrg === 0 && i === 0));
  }

  // ---------------------------------------------------------------- lab tests and results
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    const forced = showcase && (indexInOrg === 0 ? i === 0 : i === seen.length - 1);
    if (!(rng.chance(0.24) || forced)) continue;
    writeLabTest(state, b, patientId, e, sex, conditionKeys, conditions, forced && indexInOrg === 1);
  }

  // ---------------------------------------------------------------- imaging orders
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.065) || (showcase && indexInOrg === 0 && i === 0))) continue;
    writeImaging(state, b, patientId, e, age, sex, conditions, allergyClasses);
  }

  // ---------------------------------------------------------------- anatomy findings
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.09) || (showcase && i === 0))) continue;
    const system = e.acute?.bodySystem ?? (chronic.length > 0 && rng.chance(0.6) ? rng.pick(chronic).bodySystem : rng.pick(Object.keys(FINDINGS)));
    const templates = (FINDINGS[system] ?? []).filter((t) => t.sex === undefined || t.sex === sex);
    if (templates.length === 0) continue;
    const t = rng.pick(templates);
    const observed = e.startedAt! + rng.between(5, 30) * MINUTE;
    b.anatomy_findings.add([
      org, rng.uuid(), patientId, e.id, state.bodySystems.get(system)!, e.provider.id, t.location, rng.pick(t.lateralities),
      t.finding, rng.pick(t.severity), rng.chance(0.2) ? 'Compared with previous examination.' : null, iso(observed),
      iso(observed), iso(observed),
    ]);
  }

  // ---------------------------------------------------------------- prescriptions
  const prescribed = new Set<string>();
  const prescribe = (med: Medication, e: Encounter | null, startDay: number, chronicTherapy: boolean, problemStatus: string) => {
    if (prescribed.has(med.key)) return;
    prescribed.add(med.key);
    if (e) e.prescriptions += 1;
    const prescriber = e?.provider ?? ctx.physicians[primary]!;
    const createdAt = e ? (e.startedAt ?? e.at) + rng.between(15, 40) * MINUTE : clock.at(startDay, 10 * 60);
    let endDay: number | null = med.durationDays === null ? null : startDay + med.durationDays - 1;
    let rxStatus: string;
    let discontinuedAt: number | null = null;
    let discontinuedReason: string | null = null;
    if (chronicTherapy && problemStatus !== 'ACTIVE') {
      rxStatus = 'DISCONTINUED';
      const stopDay = Math.min(anchorDay - 1, startDay + rng.between(30, 400));
      discontinuedAt = clock.at(Math.max(stopDay, startDay), 11 * 60);
      discontinuedReason = problemStatus === 'RESOLVED' ? 'Condition resolved' : 'No longer indicated';
      endDay = Math.max(startDay, Math.floor(discontinuedAt / DAY));
    } else if (endDay !== null && endDay < anchorDay) {
      rxStatus = 'COMPLETED';
    } else {
      rxStatus = rng.weighted(['ACTIVE', 'ON_HOLD', 'CANCELLED'], [95, 3, 2]);
    }
    if (deceasedAt !== null && (rxStatus === 'ACTIVE' || rxStatus === 'ON_HOLD') && deceasedAt > createdAt) {
      rxStatus = 'DISCONTINUED';
      discontinuedAt = deceasedAt;
      discontinuedReason = 'Patient deceased';
      endDay = Math.max(startDay, Math.floor(deceasedAt / DAY));
    } else if (rxStatus === 'ACTIVE' && chronicTherapy && rng.chance(0.08)) {
      rxStatus = 'DISCONTINUED';
      discontinuedAt = Math.min(nowMs - HOUR, createdAt + rng.between(14, 300) * DAY);
      discontinuedReason = rng.pick(['Side effects', 'Switched to alternative therapy', 'Patient preference', 'Drug interaction']);
      endDay = Math.max(startDay, Math.floor(discontinuedAt / DAY));
    }
    b.prescriptions.add([
      org, rng.uuid(), patientId, e?.id ?? null, prescriber.id, med.name, med.code, med.dosage,
      med.doseAmount, med.doseUnit, med.route, med.frequency, med.durationDays, med.quantity.toFixed(2),
      chronicTherapy ? med.refills : Math.min(med.refills, 1), med.instructions, rxStatus, isoDate(startDay),
      endDay === null ? null : isoDate(endDay), discontinuedAt === null ? null : iso(discontinuedAt), discontinuedReason,
      iso(createdAt), iso(discontinuedAt ?? createdAt),
    ]);
  };
  const allowed = (m: Medication | undefined): m is Medication =>
    m !== undefined && (m.drugClass === undefined || !allergyClasses.has(m.drugClass)) && (age >= 12 || m.pediatric === true);
  for (const p of problems) {
    const c = p.condition;
    const chance = c.chronic ? (p.status === 'ACTIVE' ? 0.78 : 0.5) : 0.72;
    if (c.meds.length === 0 || !(rng.chance(chance) || (showcase && p === problems[0]))) continue;
    const options = c.meds.map((k) => MEDICATION_BY_KEY.get(k)).filter(allowed);
    if (options.length === 0) continue;
    const med = rng.pick(options);
    const e = p.encounter && p.encounter.status !== 'CANCELLED' && p.encounter.status !== 'PLANNED' ? p.encounter : null;
    const startDay = e ? Math.floor(e.at / DAY) : Math.max(p.onsetDay, registeredDay);
    prescribe(med, e, Math.min(startDay, anchorDay - 1), c.chronic, p.status);
  }
  if (seen.length > 0 && rng.chance(0.3)) {
    const e = rng.pick(seen);
    const options = SYMPTOMATIC_MEDS.map((k) => MEDICATION_BY_KEY.get(k)).filter(allowed).filter((m) =>
      (m.route === 'IV' || m.key === 'enoxaparin' ? e.type === 'INPATIENT' || e.type === 'EMERGENCY' : true) &&
      (m.key === 'acetaminophen_pr' ? age < 6 : true) &&
      (m.key === 'nicotine_patch' || m.key === 'nitroglycerin' ? age >= 18 : true));
    if (options.length > 0) prescribe(rng.pick(options), e, Math.floor(e.at / DAY), false, 'ACTIVE');
  }

  // ---------------------------------------------------------------- appointments
  const appointmentCount = showcase ? 2 : rng.weighted([0, 1, 2, 3], [30, 45, 20, 5]);
  for (let i = 0; i < appointmentCount; i++) {
    const future = status === 'ACTIVE' && (showcase ? i === 1 : rng.chance(0.3));
    writeAppointment(state, b, patientId, future, isChild, chronic, primary, registeredAt, lastActivityDay - 1, i === 0 && encounters.length === 0);
  }

  // ---------------------------------------------------------------- invoices
  const billable = encounters.filter((e) => e.status === 'COMPLETED');
  if (billable.length > 0) {
    const last = billable[billable.length - 1]!;
    if (rng.chance(0.85) || showcase) writeInvoice(state, b, patientId, last, insured, indexInOrg === 0, registeredAt);
    if (billable.length > 1 && rng.chance(0.2)) writeInvoice(state, b, patientId, rng.pick(billable.slice(0, -1)), insured, false, registeredAt);
  } else if (status !== 'DECEASED' && rng.chance(0.3)) {
    writeInvoice(state, b, patientId, null, insured, false, registeredAt);
  }
}

function departmentFor(ctx: OrgContext, child: boolean, chronic: readonly Condition[]): Department {
  if (child) return ctx.departments.get('PEDS')!;
  if (chronic.some((c) => c.key === 'AFIB' || c.key === 'HF')) return ctx.departments.get('CARD')!;
  return ctx.departments.get('GMED')!;
}

function makeEncounter(
  state: OrgState,
  day: number,
  acute: Condition | null,
  chronic: readonly Condition[],
  age: number,
  primary: number,
  recentShowcase: boolean,
): Encounter {
  const { ctx, rng, nowMs } = state;
  const child = age < 18;
  let type: string;
  let reason: string;
  if (acute) {
    type = acute.key === 'PNEUMONIA'
      ? rng.weighted(['EMERGENCY', 'INPATIENT', 'OUTPATIENT'], [45, 30, 25])
      : rng.weighted(['OUTPATIENT', 'EMERGENCY', 'TELEHEALTH', 'FOLLOW_UP'], [58, 24, 12, 6]);
    reason = cap(acute.complaint);
  } else if (chronic.length > 0 && rng.chance(0.75)) {
    const c = rng.pick(chronic);
    type = rng.weighted(['FOLLOW_UP', 'OUTPATIENT', 'TELEHEALTH', 'HOME_VISIT', 'INPATIENT', 'EMERGENCY'],
      [46, 26, 14, age >= 75 ? 6 : 0.5, c.key === 'HF' || c.key === 'COPD' || c.key === 'CKD3' ? 10 : 4, 4]);
    reason = type === 'INPATIENT' || type === 'EMERGENCY' ? `Exacerbation: ${c.complaint}` : cap(c.complaint);
  } else {
    type = rng.weighted(['OUTPATIENT', 'FOLLOW_UP', 'TELEHEALTH', 'EMERGENCY'], [74, 10, 10, 6]);
    reason = type === 'EMERGENCY' ? rng.pick(['Minor laceration', 'Fall without injury', 'Chest pain, ruled out', 'Dizziness']) : rng.pick(child ? PEDIATRIC_REASONS : ROUTINE_REASONS);
  }
  if (recentShowcase) type = 'OUTPATIENT';
  const department =
    type === 'EMERGENCY' ? ctx.departments.get('ED')! : type === 'INPATIENT' ? ctx.departments.get('WARD')! : departmentFor(ctx, child, chronic);
  const provider = type === 'EMERGENCY' || rng.chance(0.2) ? rng.pick(ctx.physicians) : ctx.physicians[primary]!;

  let at: number;
  let duration: number;
  const clinicDay = (d: number) => (isWeekend(d) ? d - (weekday(d) === 6 ? 1 : 2) : d);
  switch (type) {
    case 'EMERGENCY':
      at = ctx.clock.at(day, rng.int(24 * 60));
      duration = rng.between(60, 360) * MINUTE;
      break;
    case 'INPATIENT':
      at = ctx.clock.at(day, rng.int(24 * 60));
      duration = rng.between(1, 7) * DAY + rng.int(12 * 60) * MINUTE;
      break;
    case 'TELEHEALTH':
      at = ctx.clock.at(clinicDay(day), 8 * 60 + rng.int(40) * 15);
      duration = rng.between(10, 25) * MINUTE;
      break;
    case 'HOME_VISIT':
      at = ctx.clock.at(clinicDay(day), 9 * 60 + rng.int(24) * 15);
      duration = rng.between(30, 60) * MINUTE;
      break;
    default:
      at = ctx.clock.at(clinicDay(day), 8 * 60 + rng.int(34) * 15);
      duration = rng.between(15, 45) * MINUTE;
  }
  if (at > nowMs - 2 * HOUR) at = nowMs - 2 * HOUR - rng.int(6 * 60) * MINUTE;
  const cancellable = type !== 'EMERGENCY' && type !== 'INPATIENT' && !recentShowcase && acute === null;
  if (cancellable && rng.chance(0.05)) {
    return { id: rng.uuid(), type, status: 'CANCELLED', at, startedAt: null, endedAt: null, provider, department, acute, reason, vitals: null, labPanels: [], imaging: [], prescriptions: 0 };
  }
  const startedAt = at + rng.int(type === 'EMERGENCY' ? 45 : 20) * MINUTE;
  let endedAt: number | null = startedAt + duration;
  let status = 'COMPLETED';
  if (endedAt > nowMs) {
    status = 'IN_PROGRESS';
    endedAt = null;
  }
  return { id: rng.uuid(), type, status, at, startedAt, endedAt, provider, department, acute, reason, vitals: null, labPanels: [], imaging: [], prescriptions: 0 };
}

function vitalValues(rng: Rng, age: number, conditions: ReadonlySet<string>, e: Encounter, k: number): VitalValues {
  const band = age < 1 ? 0 : age < 6 ? 1 : age < 13 ? 2 : age < 18 ? 3 : 4;
  const norms = [
    { hr: [130, 14], rr: [42, 7], sbp: [86, 7], dbp: [52, 5] },
    { hr: [108, 12], rr: [28, 4], sbp: [96, 6], dbp: [58, 5] },
    { hr: [92, 10], rr: [21, 3], sbp: [105, 6], dbp: [66, 5] },
    { hr: [78, 9], rr: [16, 2], sbp: [112, 8], dbp: [70, 6] },
    { hr: [76, 9], rr: [16, 2], sbp: [120, 11], dbp: [76, 7] },
  ][band]!;
  const acuteFever = e.acute?.febrile === true && k === 0 && rng.chance(0.7);
  let sbp = rng.normal(norms.sbp[0]! + (age >= 60 ? 6 : 0), norms.sbp[1]!);
  let dbp = rng.normal(norms.dbp[0]!, norms.dbp[1]!);
  if (conditions.has('HTN')) {
    sbp += rng.normal(16, 10);
    dbp += rng.normal(8, 6);
  }
  let hr = conditions.has('AFIB') ? rng.normal(96, 18) : rng.normal(norms.hr[0]!, norms.hr[1]!);
  let rr = rng.normal(norms.rr[0]!, norms.rr[1]!);
  const temp = acuteFever ? rng.normal(38.5, 0.5) : rng.normal(36.8, 0.3);
  let spo2 = rng.normal(98, 1.1);
  if (acuteFever) hr += rng.normal(14, 5);
  if (conditions.has('COPD')) spo2 = rng.normal(93, 2);
  if (e.acute?.key === 'PNEUMONIA' || e.acute?.key === 'COVID') {
    spo2 = rng.normal(93, 2.5);
    rr += rng.normal(5, 2);
  }
  if (e.type === 'EMERGENCY' && rng.chance(0.1)) hr += rng.normal(25, 8);
  if (rng.chance(0.02)) sbp -= rng.normal(30, 8);
  sbp = Math.round(clamp(sbp, 55, 240));
  dbp = Math.round(clamp(dbp, 30, Math.min(140, sbp - 12)));
  return {
    systolicBp: sbp,
    diastolicBp: dbp,
    heartRate: Math.round(clamp(hr, 35, 220)),
    respiratoryRate: Math.round(clamp(rr, 8, 70)),
    temperatureC: Math.round(clamp(temp, 34.5, 41.5) * 10) / 10,
    spo2: Math.round(clamp(spo2, 75, 100)),
  };
}

function bodyHeight(age: number, adultHeight: number): number {
  if (age < 1) return 50 + 25 * age;
  if (age < 2) return 75 + 12 * (age - 1);
  if (age < 18) return 87 + (adultHeight - 87) * Math.min(1, (age - 2) / 15);
  return adultHeight - (age > 70 ? 0.1 * (age - 70) : 0);
}

function bodyWeight(age: number, adultHeight: number, bmi: number, rng: Rng): number {
  let weight: number;
  if (age < 1) weight = 3.4 + 6.5 * age;
  else if (age < 2) weight = 9.9 + 2.5 * (age - 1);
  else {
    const h = bodyHeight(age, adultHeight) / 100;
    const b = age < 18 ? (15.5 + 0.33 * (age - 2)) * (1 + 0.08 * (bmi - 26.5) / 4.5) : bmi;
    weight = clamp(b, 13, 60) * h * h;
  }
  return Math.round(clamp(weight * (1 + rng.normal(0, 0.015)), 2, 300) * 10) / 10;
}

function pickAllergens(rng: Rng, count: number) {
  const pool = ALLERGENS.slice();
  const chosen: (typeof ALLERGENS)[number][] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const a = rng.weighted(pool, pool.map((x) => x.weight));
    chosen.push(a);
    pool.splice(pool.indexOf(a), 1);
  }
  return chosen;
}

function writeNote(
  state: OrgState,
  b: Buffers,
  patientId: string,
  e: Encounter,
  age: number,
  sex: Sex,
  problems: readonly Problem[],
  withAddendum: boolean,
): void {
  const { ctx, rng, nowMs } = state;
  const noteType =
    e.type === 'EMERGENCY'
      ? rng.weighted(['TRIAGE', 'PROGRESS', 'HISTORY_AND_PHYSICAL'], [30, 40, 30])
      : e.type === 'INPATIENT'
        ? rng.weighted(['HISTORY_AND_PHYSICAL', 'DISCHARGE_SUMMARY', 'PROGRESS'], [35, 40, 25])
        : rng.weighted(['PROGRESS', 'CONSULTATION', 'HISTORY_AND_PHYSICAL', 'PROCEDURE', 'NURSING'], [60, 15, 14, 5, 6]);
  const nursing = noteType === 'TRIAGE' || noteType === 'NURSING';
  const author = nursing ? rng.pick(ctx.nurses) : e.provider;
  const noteType2 = noteType === 'DISCHARGE_SUMMARY' && e.status !== 'COMPLETED' ? 'PROGRESS' : noteType;
  const created = e.startedAt! + rng.between(10, 50) * MINUTE;
  const signable = e.status === 'COMPLETED';
  const signed = signable && rng.chance(0.9);
  const signedAt = signed ? Math.min(nowMs - MINUTE, Math.max(created, e.endedAt!) + rng.between(5, 600) * MINUTE) : null;
  const title = `${NOTE_TITLES[noteType2] ?? 'Note'}: ${e.reason}`;
  const body = noteBody(noteType2, e, age, sex, problems, rng);
  const noteId = rng.uuid();
  b.clinical_notes.add([
    ctx.id, noteId, patientId, e.id, author.id, noteType2, title.slice(0, 300), body, signed ? 'SIGNED' : 'DRAFT',
    signedAt === null ? null : iso(signedAt), signed ? author.id : null, null, iso(created), iso(signedAt ?? created),
  ]);
  if (withAddendum && signedAt !== null) {
    const addendumAt = signedAt + rng.between(1, 72) * HOUR;
    if (addendumAt < nowMs) {
      const addendumSigned = rng.chance(0.8);
      b.clinical_notes.add([
        ctx.id, rng.uuid(), patientId, e.id, author.id, noteType2, `Addendum: ${e.reason}`.slice(0, 300),
        `Addendum to the note of ${iso(signedAt).slice(0, 10)}.\n${rng.pick(ADDENDA)}`, addendumSigned ? 'SIGNED' : 'DRAFT',
        addendumSigned ? iso(addendumAt + 10 * MINUTE) : null, addendumSigned ? author.id : null, noteId, iso(addendumAt),
        iso(addendumAt + 10 * MINUTE),
      ]);
    }
  }
}

const NOTE_TITLES: Record<string, string> = {
  PROGRESS: 'Progress note',
  HISTORY_AND_PHYSICAL: 'History and physical',
  DISCHARGE_SUMMARY: 'Discharge summary',
  CONSULTATION: 'Consultation',
  PROCEDURE: 'Procedure note',
  NURSING: 'Nursing note',
  TRIAGE: 'Triage note',
};

const ADDENDA = [
  'Laboratory results reviewed with the patient by phone; no change to the plan.',
  'Correction: medication list reconciled with pharmacy records.',
  'Patient called back to report symptom improvement.',
  'Imaging report reviewed; findings discussed with the patient.',
];

function noteBody(type: string, e: Encounter, age: number, sex: Sex, problems: readonly Problem[], rng: Rng): string {
  const person = age < 13
    ? (sex === 'MALE' ? 'boy' : sex === 'FEMALE' ? 'girl' : 'child')
    : age < 18
      ? (sex === 'MALE' ? 'adolescent boy' : sex === 'FEMALE' ? 'adolescent girl' : 'adolescent')
      : (sex === 'MALE' ? 'man' : sex === 'FEMALE' ? 'woman' : 'patient');
  const who = age < 1 ? 'Infant' : `${age}-year-old ${person}`;
  const v = e.vitals;
  const vitals = v && v.systolicBp !== null
    ? `BP ${v.systolicBp}/${v.diastolicBp} mmHg, HR ${v.heartRate}/min, RR ${v.respiratoryRate}/min, T ${v.temperatureC?.toFixed(1)} C, SpO2 ${v.spo2}% on room air.`
    : 'Vital signs not obtained (remote visit).';
  const active = problems.filter((p) => p.status === 'ACTIVE').map((p) => `${p.condition.description} (${p.condition.code})`);
  const assessment = e.acute ? `${e.acute.description} (${e.acute.code}).` : active.length > 0 ? `${active.join('; ')}.` : 'Healthy; no acute issues.';
  const plan = e.acute
    ? rng.pick(['Supportive care and return precautions reviewed.', 'Start treatment as prescribed; follow up in 1-2 weeks.', 'Symptomatic treatment; follow up if not improving in 3 days.'])
    : rng.pick(['Continue current medications. Repeat labs in 3 months.', 'Lifestyle counselling provided. Follow up in 6 months.', 'Routine screening up to date. Next visit in 12 months.']);
  switch (type) {
    case 'TRIAGE':
      return `Triage assessment\nChief complaint: ${e.reason}.\n${vitals}\nAcuity: ESI level ${rng.between(2, 4)}. Allergies reviewed. Placed in treatment area.`;
    case 'NURSING':
      return `Nursing note\n${who} seen for ${e.reason.toLowerCase()}.\n${vitals}\nMedications reconciled. Patient education provided; patient verbalized understanding.`;
    case 'DISCHARGE_SUMMARY':
      return `Discharge summary\nAdmitted for: ${e.reason}.\nHospital course: ${who} treated on the medical ward; clinically improved.\nDischarge diagnosis: ${assessment}\nDischarge vitals: ${vitals}\nFollow-up: primary care within 7 days.`;
    case 'PROCEDURE':
      return `Procedure note\nIndication: ${e.reason}.\nProcedure performed without complication after informed consent. Patient tolerated it well.\n${vitals}`;
    default:
      return `Subjective:\n${who} presents for ${e.reason.toLowerCase()}.\n\nObjective:\n${vitals}\n\nAssessment:\n${assessment}\n\nPlan:\n${plan}`;
  }
}

function analyteValue(rng: Rng, a: Analyte, sex: Sex, conditions: ReadonlySet<string>): number {
  let value: number | null = null;
  if (a.shifts) {
    for (const [key, [mean, sd]] of Object.entries(a.shifts)) {
      if (conditions.has(key) && rng.chance(0.85)) {
        value = rng.normal(mean, sd);
        break;
      }
    }
  }
  if (value === null) {
    const [low, high] = sex === 'FEMALE' && a.female ? a.female : [a.low, a.high];
    const lo = low === 0 ? high * 0.55 : low;
    const width = high - lo;
    value = rng.normal((lo + high) / 2, width / 4.2);
    // Occasional unexplained out-of-range result, scaled to the analyte's range.
    if (rng.chance(0.04)) value = rng.chance(0.6) ? high + width * rng.float(0.05, 0.6) : lo - width * rng.float(0.05, 0.4);
  }
  const f = 10 ** a.decimals;
  return Math.round(clamp(value, a.min, a.max) * f) / f;
}

function writeLabTest(
  state: OrgState,
  b: Buffers,
  patientId: string,
  e: Encounter,
  sex: Sex,
  conditionKeys: ReadonlySet<string>,
  conditions: readonly Condition[],
  forceOpen: boolean,
): void {
  const { ctx, rng, nowMs } = state;
  const candidates = [...new Set((e.acute ? [e.acute] : conditions).flatMap((c) => c.labs))];
  const panel: LabPanel =
    candidates.length > 0 && rng.chance(0.8)
      ? LAB_PANEL_BY_KEY.get(rng.pick(candidates))!
      : LAB_PANEL_BY_KEY.get(rng.weighted(['CBC', 'BMP', 'LIPID', 'HBA1C', 'TSH'], [35, 30, 18, 10, 7]))!;
  e.labPanels.push(panel.key);
  const priority = e.type === 'EMERGENCY' ? rng.weighted(['STAT', 'URGENT', 'ROUTINE'], [30, 40, 30]) : rng.weighted(['ROUTINE', 'URGENT', 'STAT'], [85, 12, 3]);
  const orderedAt = e.startedAt! + rng.between(10, 40) * MINUTE;
  const fresh = nowMs - orderedAt < 3 * DAY;
  let status = forceOpen
    ? rng.pick(['ORDERED', 'COLLECTED'])
    : fresh
      ? rng.weighted(['ORDERED', 'COLLECTED', 'IN_PROGRESS', 'RESULTED', 'VERIFIED'], [25, 25, 15, 20, 15])
      : rng.weighted(['VERIFIED', 'RESULTED', 'CANCELLED'], [86, 8, 6]);
  const stat = priority !== 'ROUTINE';
  let collectedAt: number | null = null;
  let resultedAt: number | null = null;
  let cancelledAt: number | null = null;
  let cancelReason: string | null = null;
  if (status === 'CANCELLED') {
    cancelledAt = orderedAt + rng.between(10, 120) * MINUTE;
    cancelReason = rng.pick(['Duplicate order', 'Ordered in error', 'Patient left before collection', 'Specimen hemolyzed; patient declined redraw']);
  } else if (status !== 'ORDERED') {
    collectedAt = orderedAt + rng.between(stat ? 5 : 15, stat ? 30 : 240) * MINUTE;
    if (collectedAt > nowMs) {
      collectedAt = null;
      status = 'ORDERED';
    } else if (status === 'RESULTED' || status === 'VERIFIED') {
      resultedAt = collectedAt + rng.between(stat ? 30 : 60, stat ? 90 : 24 * 60) * MINUTE;
      if (resultedAt > nowMs) {
        resultedAt = null;
        status = 'IN_PROGRESS';
      }
    }
  }
  // Verification happens after resulting; make sure the verification time has passed.
  let verifiedAt: number | null = null;
  if (status === 'VERIFIED') {
    verifiedAt = resultedAt! + rng.between(20, 240) * MINUTE;
    if (verifiedAt > nowMs) {
      verifiedAt = null;
      status = 'RESULTED';
    }
  }
  const testId = rng.uuid();
  const updated = verifiedAt ?? resultedAt ?? cancelledAt ?? collectedAt ?? orderedAt;
  b.lab_tests.add([
    ctx.id, testId, patientId, e.id, e.provider.id, panel.code, panel.name, panel.specimen, priority, status,
    e.acute ? e.acute.description : rng.pick(['Routine monitoring', 'Screening', 'Follow-up of chronic condition', e.reason]),
    status === 'CANCELLED' ? null : rng.chance(0.1) ? 'Fasting specimen requested.' : null, iso(orderedAt),
    collectedAt === null ? null : iso(collectedAt), resultedAt === null ? null : iso(resultedAt),
    cancelledAt === null ? null : iso(cancelledAt), cancelReason, iso(orderedAt), iso(updated),
  ]);

  if (resultedAt !== null) {
    const count = panel.analytes.length === 1 ? 1 : rng.weighted([4, 3, 2], [70, 20, 10]);
    const resultStatus = status === 'VERIFIED' ? 'FINAL' : 'PRELIMINARY';
    const technician = rng.pick(ctx.nurses);
    for (const a of panel.analytes.slice(0, count)) {
      const value = analyteValue(rng, a, sex, conditionKeys);
      const [low, high] = sex === 'FEMALE' && a.female ? a.female : [a.low, a.high];
      const flag = labAbnormalFlag(value, low, high, a.criticalLow, a.criticalHigh);
      const text = value.toFixed(a.decimals);
      const range = low === 0 ? `<${(high + 10 ** -a.decimals).toFixed(a.decimals)}` : `${low.toFixed(a.decimals)}-${high.toFixed(a.decimals)}`;
      b.lab_results.add([
        ctx.id, rng.uuid(), testId, patientId, a.name, a.code, text, text, a.unit, range, String(low), String(high), flag,
        resultStatus, flag.startsWith('CRITICAL') ? 'Critical value called to the ordering provider.' : null,
        iso(resultedAt), technician.id, iso(resultedAt), iso(verifiedAt ?? resultedAt),
      ]);
    }
  }

  // Workflow instance for ~10 % of lab orders (and always a few per organization, some still open).
  const open = status === 'ORDERED' || status === 'COLLECTED' || status === 'IN_PROGRESS' || status === 'RESULTED';
  if (rng.chance(0.1) || state.labInstances < 3 || (open && state.activeLabInstances < 3)) {
    state.labInstances += 1;
    if (open) state.activeLabInstances += 1;
    writeLabWorkflow(state, b, testId, patientId, panel, priority, e.provider, status, orderedAt, collectedAt, resultedAt, verifiedAt, cancelledAt);
  }
}

function writeLabWorkflow(
  state: OrgState,
  b: Buffers,
  testId: string,
  patientId: string,
  panel: LabPanel,
  priority: string,
  physician: StaffUser,
  labStatus: string,
  orderedAt: number,
  collectedAt: number | null,
  resultedAt: number | null,
  verifiedAt: number | null,
  cancelledAt: number | null,
): void {
  const { ctx, rng } = state;
  const org = ctx.id;
  const instanceId = rng.uuid();
  const nurse = rng.pick(ctx.nurses);
  const taskPriority = priority === 'STAT' ? 'URGENT' : priority === 'URGENT' ? 'HIGH' : 'NORMAL';
  const steps: { from: string | null; to: string; event: string; actor: StaffUser; at: number }[] = [
    { from: null, to: 'ORDERED', event: 'START', actor: physician, at: orderedAt },
  ];
  if (collectedAt !== null) steps.push({ from: 'ORDERED', to: 'COLLECTED', event: 'COLLECT', actor: nurse, at: collectedAt });
  if (resultedAt !== null) steps.push({ from: 'COLLECTED', to: 'RESULTED', event: 'RESULT', actor: nurse, at: resultedAt });
  if (verifiedAt !== null) steps.push({ from: 'RESULTED', to: 'VERIFIED', event: 'VERIFY', actor: physician, at: verifiedAt });
  if (cancelledAt !== null) steps.push({ from: 'ORDERED', to: 'CANCELLED', event: 'CANCEL', actor: physician, at: cancelledAt });
  const current = steps[steps.length - 1]!;
  const instanceStatus = labStatus === 'VERIFIED' ? 'COMPLETED' : labStatus === 'CANCELLED' ? 'CANCELLED' : 'ACTIVE';
  b.workflow_instances.add([
    org, instanceId, ctx.workflows.labOrder, 'LAB_ORDER', testId, current.to,
    JSON.stringify({ labTestId: testId, patientId, testCode: panel.code, testName: panel.name, priority }),
    instanceStatus, physician.id, iso(orderedAt), instanceStatus === 'COMPLETED' ? iso(current.at) : null,
    instanceStatus === 'CANCELLED' ? iso(current.at) : null, iso(orderedAt), iso(current.at),
  ]);
  // The work expected in each state, as the task opened by the transition into it.
  const work: Record<string, [string, 'NURSE' | 'PHYSICIAN', string] | undefined> = {
    ORDERED: ['Collect specimen', 'NURSE', `Collect a ${panel.specimen.toLowerCase()} specimen for ${panel.name}.`],
    COLLECTED: ['Enter results', 'NURSE', `Enter the results of ${panel.name}.`],
    RESULTED: ['Verify results', 'PHYSICIAN', `Review and verify the results of ${panel.name}.`],
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const transitionId = rng.uuid();
    b.workflow_transitions.add([
      org, transitionId, instanceId, step.from, step.to, step.event, step.actor.id,
      step.event === 'CANCEL' ? 'Order cancelled' : null, iso(step.at), iso(step.at),
    ]);
    const job = work[step.to];
    if (!job) continue;
    const next = steps[i + 1];
    const [name, role, description] = job;
    const assignee = role === 'PHYSICIAN' ? physician : null;
    const due = step.at + 24 * HOUR;
    if (next) {
      const cancelled = next.event === 'CANCEL';
      b.workflow_tasks.add([
        org, rng.uuid(), instanceId, transitionId, name, description, role, assignee?.id ?? null,
        cancelled ? null : next.actor.id, taskPriority, cancelled ? 'CANCELLED' : 'COMPLETED', iso(due),
        cancelled ? null : iso(Math.max(step.at, next.at - 5 * MINUTE)), cancelled ? null : iso(next.at),
        cancelled ? null : next.actor.id, null, iso(step.at), iso(next.at),
      ]);
    } else {
      const claimed = rng.chance(0.3);
      const claimer = role === 'PHYSICIAN' ? physician : nurse;
      const claimedAt = Math.min(state.nowMs - MINUTE, step.at + rng.between(5, 60) * MINUTE);
      b.workflow_tasks.add([
        org, rng.uuid(), instanceId, transitionId, name, description, role, assignee?.id ?? null,
        claimed ? claimer.id : null, taskPriority, claimed ? 'CLAIMED' : 'OPEN', iso(due),
        claimed ? iso(claimedAt) : null, null, null, null, iso(step.at), iso(claimed ? claimedAt : step.at),
      ]);
    }
  }
}

function writeImaging(
  state: OrgState,
  b: Buffers,
  patientId: string,
  e: Encounter,
  age: number,
  sex: Sex,
  conditions: readonly Condition[],
  allergyClasses: ReadonlySet<string>,
): void {
  const { ctx, rng, nowMs } = state;
  const eligible = (s: ImagingStudy | undefined): s is ImagingStudy =>
    s !== undefined && (s.sex === undefined || s.sex === sex) && (s.minAge === undefined || age >= s.minAge);
  const related = [...new Set((e.acute ? [e.acute] : conditions).flatMap((c) => c.imaging ?? []))]
    .map((k) => IMAGING_BY_KEY.get(k))
    .filter(eligible);
  const conditionDriven = related.length > 0 && rng.chance(0.8);
  const study = conditionDriven
    ? rng.pick(related)
    : rng.pick(IMAGING_STUDIES.filter((s) => eligible(s) && s.modality !== 'PET' && s.modality !== 'NUCLEAR') as ImagingStudy[]);
  e.imaging.push(study.modality);
  const priority = e.type === 'EMERGENCY' ? rng.weighted(['STAT', 'URGENT'], [60, 40]) : rng.weighted(['ROUTINE', 'URGENT'], [88, 12]);
  const orderedAt = e.startedAt! + rng.between(15, 60) * MINUTE;
  const fresh = nowMs - orderedAt < 7 * DAY;
  let status = fresh
    ? rng.weighted(['ORDERED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'REPORTED'], [25, 30, 5, 15, 25])
    : rng.weighted(['REPORTED', 'COMPLETED', 'CANCELLED'], [88, 4, 8]);
  let scheduledAt: number | null = null;
  let completedAt: number | null = null;
  let reportedAt: number | null = null;
  const clinicSlot = (day: number) => ctx.clock.at(isWeekend(day) ? day + 2 : day, 8 * 60 + rng.int(36) * 15);
  if (status !== 'ORDERED' && status !== 'CANCELLED') {
    scheduledAt = e.type === 'EMERGENCY' || e.type === 'INPATIENT'
      ? orderedAt + rng.between(10, 90) * MINUTE
      : clinicSlot(Math.floor(orderedAt / DAY) + rng.between(1, 10));
    // A study still waiting for its slot is booked in the future.
    if (status === 'SCHEDULED' && scheduledAt <= nowMs) scheduledAt = clinicSlot(state.anchorDay + rng.between(1, 10));
    if (scheduledAt > nowMs) {
      status = 'SCHEDULED';
    } else if (status === 'COMPLETED' || status === 'REPORTED') {
      completedAt = scheduledAt + rng.between(15, 60) * MINUTE;
      if (completedAt > nowMs) {
        completedAt = null;
        status = 'IN_PROGRESS';
      } else if (status === 'REPORTED') {
        reportedAt = completedAt + rng.between(30, 24 * 60) * MINUTE;
        if (reportedAt > nowMs) {
          reportedAt = null;
          status = 'COMPLETED';
        }
      }
    }
  }
  const abnormal = rng.chance(conditionDriven ? 0.45 : 0.12);
  const [findings, impression] = abnormal ? rng.pick(study.abnormal) : study.normal;
  const cancelledAt = status === 'CANCELLED' ? orderedAt + rng.between(1, 48) * HOUR : null;
  const contrast = study.contrast > 0 && !allergyClasses.has('CONTRAST') && rng.chance(study.contrast);
  b.imaging_orders.add([
    ctx.id, rng.uuid(), patientId, e.id, e.provider.id, study.modality, study.bodyPart,
    state.bodySystems.get(study.bodySystem)!, rng.pick(study.lateralities), contrast, priority, status,
    e.acute ? e.acute.description : e.reason, reportedAt === null ? null : findings, reportedAt === null ? null : impression,
    iso(orderedAt), scheduledAt === null ? null : iso(scheduledAt), completedAt === null ? null : iso(completedAt),
    reportedAt === null ? null : iso(reportedAt), reportedAt === null ? null : ctx.radiologist.id,
    cancelledAt === null ? null : iso(cancelledAt),
    cancelledAt === null ? null : rng.pick(['Patient declined', 'Study no longer indicated', 'Duplicate order']),
    iso(orderedAt), iso(reportedAt ?? completedAt ?? cancelledAt ?? orderedAt),
  ]);
}

function writeAppointment(
  state: OrgState,
  b: Buffers,
  patientId: string,
  future: boolean,
  child: boolean,
  chronic: readonly Condition[],
  primary: number,
  registeredAt: number,
  lastDay: number,
  newPatient: boolean,
): void {
  const { ctx, rng, nowMs } = state;
  const providerIndex = rng.chance(0.7) ? primary : rng.int(ctx.physicians.length);
  const provider = ctx.physicians[providerIndex]!;
  const slot = future
    ? state.futureSlots.take(rng, providerIndex, state.anchorDay + 1, Infinity)
    : state.pastSlots.take(rng, providerIndex, Math.floor(registeredAt / DAY) + 1, lastDay);
  let status: string;
  let start: number;
  if (slot) {
    start = ctx.clock.at(slot[0], slot[1]);
    status = future ? rng.weighted(['SCHEDULED', 'CANCELLED'], [92, 8]) : rng.weighted(['COMPLETED', 'NO_SHOW', 'CANCELLED'], [80, 10, 10]);
  } else {
    // The provider's calendar is full: a cancelled request does not occupy a slot.
    const day = future ? state.anchorDay + rng.between(1, 60) : state.anchorDay - rng.between(1, 365);
    start = ctx.clock.at(day, 8 * 60 + rng.int(18) * 30);
    status = 'CANCELLED';
  }
  if (!future && start > nowMs - HOUR) start = nowMs - HOUR - rng.int(48) * 30 * MINUTE;
  const end = start + 30 * MINUTE;
  const type = newPatient
    ? 'NEW_PATIENT'
    : rng.weighted(['FOLLOW_UP', 'CONSULTATION', 'TELEHEALTH', 'PROCEDURE', 'LAB', 'IMAGING', 'VACCINATION', 'NEW_PATIENT'], [40, 18, 10, 6, 10, 5, child ? 10 : 4, 3]);
  const reason = type === 'VACCINATION'
    ? rng.pick(['Influenza vaccine', 'COVID-19 booster', 'Tdap booster', child ? 'Routine childhood immunizations' : 'Shingles vaccine'])
    : type === 'LAB' ? 'Blood draw for ordered tests' : type === 'IMAGING' ? 'Scheduled imaging study'
      : chronic.length > 0 && rng.chance(0.7) ? cap(rng.pick(chronic).complaint) : rng.pick(child ? PEDIATRIC_REASONS : ROUTINE_REASONS);
  const createdAt = future
    ? Math.max(registeredAt, nowMs - rng.between(1, 45) * DAY)
    : Math.max(registeredAt, start - rng.between(1, 60) * DAY);
  const created = Math.min(createdAt, start - HOUR, nowMs - MINUTE);
  const cancelledAt = status === 'CANCELLED' ? Math.min(nowMs - MINUTE, created + Math.floor((start - created) * rng.next())) : null;
  const checkedInAt = status === 'COMPLETED' ? start - rng.between(5, 20) * MINUTE : null;
  const department = child ? ctx.departments.get('PEDS')! : provider.specialty === 'Cardiology' ? ctx.departments.get('CARD')! : ctx.departments.get('GMED')!;
  b.appointments.add([
    ctx.id, rng.uuid(), patientId, provider.id, department.id, iso(start), iso(end), type, status, reason,
    rng.chance(0.1) ? rng.pick(['Needs interpreter', 'Wheelchair access requested', 'Bring medication list', 'Fasting required']) : null,
    cancelledAt === null ? null : rng.pick(CANCEL_REASONS), cancelledAt === null ? null : iso(cancelledAt),
    checkedInAt === null ? null : iso(checkedInAt), iso(created),
    iso(cancelledAt ?? (status === 'COMPLETED' ? end : status === 'NO_SHOW' ? end + 15 * MINUTE : created)),
  ]);
}

const LAB_ITEM: Record<string, string> = { CBC: 'LAB-CBC', BMP: 'LAB-BMP', HBA1C: 'LAB-HBA1C', LIPID: 'LAB-LIPID', TSH: 'LAB-TSH' };

function writeInvoice(
  state: OrgState,
  b: Buffers,
  patientId: string,
  e: Encounter | null,
  insured: boolean,
  forcePaid: boolean,
  registeredAt: number,
): void {
  const { ctx, rng, nowMs } = state;
  const item = (code: string) => ctx.catalog.get(code)!;
  const lines: { item: CatalogItem; quantity: number }[] = [];
  if (e) {
    const first =
      e.type === 'EMERGENCY' ? item(rng.weighted(['ED-L2', 'ED-L3', 'ED-L4'], [35, 45, 20]))
        : e.type === 'INPATIENT' ? item(rng.chance(0.7) ? 'ROOM-SEMI' : 'ROOM-PRIV')
          : e.type === 'TELEHEALTH' ? item('CONS-TELE')
            : e.type === 'HOME_VISIT' ? item('CONS-HOME')
              : e.type === 'FOLLOW_UP' ? item('CONS-FU')
                : e.department.code === 'PEDS' ? item('CONS-PED') : e.department.code === 'CARD' ? item('CONS-SPEC') : item(rng.chance(0.3) ? 'CONS-NEW' : 'CONS-EST');
    const days = e.type === 'INPATIENT' && e.endedAt !== null ? Math.max(1, Math.round((e.endedAt - e.startedAt!) / DAY)) : 1;
    lines.push({ item: first, quantity: days });
    for (const panel of e.labPanels) if (lines.length < 4) lines.push({ item: item(LAB_ITEM[panel]!), quantity: 1 });
    for (const modality of e.imaging) if (lines.length < 4) lines.push({ item: item(`IMG-${modality}`), quantity: 1 });
    if (e.prescriptions > 0 && lines.length < 4 && rng.chance(0.6)) lines.push({ item: item('PHARM-DISP'), quantity: e.prescriptions });
  } else {
    lines.push({ item: item(rng.pick(['PHARM-OTC', 'PHARM-SUPPLY', 'OTH-CERT', 'OTH-RECORDS', 'PROC-IMM'])), quantity: rng.between(1, 2) });
  }
  const target = rng.weighted([1, 2, 3, 4], [25, 35, 25, 15]);
  const extras = ['PROC-ECG', 'PROC-NEB', 'PROC-INJ', 'NURS-WOUND', 'PHARM-OTC', 'PHARM-SUPPLY', 'LAB-VENI', 'LAB-UA', 'OTH-CERT'];
  while (lines.length < target) {
    const code = rng.pick(extras);
    if (lines.some((l) => l.item.code === code)) break;
    lines.push({ item: item(code), quantity: code === 'PHARM-OTC' || code === 'PHARM-SUPPLY' ? rng.between(1, 3) : 1 });
  }

  const basis = e?.endedAt ?? Math.max(registeredAt, nowMs - rng.between(1, 700) * DAY);
  const createdAt = Math.min(nowMs - MINUTE, basis + rng.between(10, 120) * MINUTE);
  const issuedAt = createdAt + rng.between(0, 48) * HOUR;
  const recent = nowMs - createdAt < 30 * DAY;
  let status = forcePaid
    ? 'PAID'
    : recent
      ? rng.weighted(['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID'], [20, 40, 15, 25])
      : rng.weighted(['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID'], [2, 10, 10, 78]);
  if (issuedAt > nowMs - MINUTE) status = 'DRAFT';

  const invoiceId = rng.uuid();
  let subtotal = 0;
  let discountTotal = 0;
  let taxTotal = 0;
  const lineRows: (string | number | null)[][] = [];
  lines.forEach((line, position) => {
    const gross = line.quantity * line.item.priceCents;
    const discount = rng.chance(0.15) ? Math.round(gross * rng.pick([0.1, 0.15, 0.2])) : 0;
    const tax = Math.round(((gross - discount) * line.item.taxBp) / 10000);
    subtotal += gross;
    discountTotal += discount;
    taxTotal += tax;
    lineRows.push([
      ctx.id, rng.uuid(), invoiceId, line.item.id, line.item.name, line.quantity.toFixed(2), money(line.item.priceCents),
      money(discount), rate(line.item.taxBp), money(tax), money(gross - discount + tax), position,
    ]);
  });
  const total = subtotal - discountTotal + taxTotal;

  const payments: { amount: number; method: string }[] = [];
  if (status === 'PAID' && total > 0) {
    if (insured && rng.chance(0.6)) {
      const covered = Math.round(total * rng.float(0.7, 0.9));
      if (covered > 0) payments.push({ amount: covered, method: 'INSURANCE' });
      if (total - covered > 0) payments.push({ amount: total - covered, method: rng.weighted(['CARD', 'CASH', 'MOBILE_MONEY'], [60, 25, 15]) });
    } else {
      payments.push({ amount: total, method: rng.weighted(['CARD', 'CASH', 'MOBILE_MONEY'], [55, 30, 15]) });
    }
  } else if (status === 'PARTIALLY_PAID' && total > 1) {
    const paid = clamp(Math.round(total * rng.float(0.2, 0.8)), 1, total - 1);
    payments.push({ amount: paid, method: insured && rng.chance(0.5) ? 'INSURANCE' : rng.weighted(['CARD', 'CASH', 'MOBILE_MONEY'], [55, 30, 15]) });
  } else if (status === 'PAID' || status === 'PARTIALLY_PAID') {
    status = 'ISSUED';
  }
  const amountPaid = payments.reduce((sum, p) => sum + p.amount, 0);

  const seq = state.nextInvoiceSeq++;
  let lastPaymentAt = issuedAt;
  const issued = status !== 'DRAFT';
  const paymentRows: (string | number | null)[][] = [];
  for (const p of payments) {
    const receivedAt = Math.min(nowMs - MINUTE, lastPaymentAt + rng.between(10, 30 * 24 * 60) * MINUTE);
    lastPaymentAt = receivedAt;
    const reference =
      p.method === 'CARD' ? `AUTH-${rng.digits(6)}` : p.method === 'INSURANCE' ? `CLM-${rng.digits(10)}` : p.method === 'MOBILE_MONEY' ? `MM-${rng.digits(10)}` : `RCPT-${seq}-${paymentRows.length + 1}`;
    paymentRows.push([
      ctx.id, rng.uuid(), invoiceId, patientId, money(p.amount), 'USD', p.method, 'PAYMENT', reference, iso(receivedAt),
      p.method === 'CASH' ? ctx.frontDesk.id : ctx.billing.id, 'COMPLETED', iso(receivedAt), iso(receivedAt),
    ]);
  }
  const updatedAt = payments.length > 0 ? lastPaymentAt : issued ? issuedAt : createdAt;
  b.invoices.add([
    ctx.id, invoiceId, `INV-${String(seq).padStart(6, '0')}`, seq, patientId, e?.id ?? null, status, 'USD',
    money(subtotal), money(discountTotal), money(taxTotal), money(total), money(amountPaid), money(0),
    money(total - amountPaid), issued ? iso(issuedAt) : null, issued ? isoDate(Math.floor(issuedAt / DAY) + 30) : null,
    rng.chance(0.05) ? rng.pick(['Payment plan agreed.', 'Insurance pre-authorization on file.', 'Self-pay discount applied.']) : null,
    ctx.billing.id, iso(createdAt), iso(updatedAt),
  ]);
  const createdText = iso(createdAt);
  for (const row of lineRows) b.invoice_line_items.add([...row, createdText, createdText]);
  for (const row of paymentRows) b.payments.add(row);
}
