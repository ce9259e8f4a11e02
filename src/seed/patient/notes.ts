/** Clinical notes of the visits, written as a clinician would (SOAP, triage, discharge summary), some with an addendum. */
import type { OrgState } from '../org-state.js';
import type { Rng } from '../random.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, ageInYears, iso } from '../time.js';
import type { Encounter, Patient, Problem, Sex } from './record.js';

/** About a third of the visits get a note (the showcase patients' first visit always), a few an addendum. */
export function writeNotes(state: OrgState, b: Buffers, patient: Patient, seen: readonly Encounter[], problems: readonly Problem[]): void {
  const { rng } = state;
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.36) || (patient.showcase && i === 0))) continue;
    writeNote(state, b, patient.id, e, ageInYears(patient.dobDay, Math.floor(e.at / DAY)), patient.sex, problems, rng.chance(0.015) || (patient.indexInOrg === 0 && i === 0));
  }
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
