/** Imaging orders of the visits, with their reports, and the examination findings recorded at them. */
import { FINDINGS, IMAGING_BY_KEY, IMAGING_STUDIES, type ImagingStudy } from '../clinical/imaging.js';
import type { OrgState } from '../org-state.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, isWeekend, iso } from '../time.js';
import type { Encounter, Health, Patient } from './record.js';

/** A few visits order a study (the first showcase patient's first visit always). */
export function writeImagingOrders(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  seen: readonly Encounter[],
  allergyClasses: ReadonlySet<string>,
): void {
  const { rng } = state;
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.065) || (patient.showcase && patient.indexInOrg === 0 && i === 0))) continue;
    writeImaging(state, b, patient, health, e, allergyClasses);
  }
}

/** Examination findings of the body system of the visit's problem (or of a chronic one), at some visits. */
export function writeFindings(state: OrgState, b: Buffers, patient: Patient, health: Health, seen: readonly Encounter[]): void {
  const { ctx, rng } = state;
  const { chronic } = health;
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    if (!(rng.chance(0.09) || (patient.showcase && i === 0))) continue;
    const system = e.acute?.bodySystem ?? (chronic.length > 0 && rng.chance(0.6) ? rng.pick(chronic).bodySystem : rng.pick(Object.keys(FINDINGS)));
    const templates = (FINDINGS[system] ?? []).filter((t) => t.sex === undefined || t.sex === patient.sex);
    if (templates.length === 0) continue;
    const t = rng.pick(templates);
    const observed = e.startedAt! + rng.between(5, 30) * MINUTE;
    b.anatomy_findings.add([
      ctx.id, rng.uuid(), patient.id, e.id, state.bodySystems.get(system)!, e.provider.id, t.location, rng.pick(t.lateralities),
      t.finding, rng.pick(t.severity), rng.chance(0.2) ? 'Compared with previous examination.' : null, iso(observed),
      iso(observed), iso(observed),
    ]);
  }
}

/** A study related to the visit's problem (else any routine one), walked through ordered → scheduled → done → reported. */
function writeImaging(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  e: Encounter,
  allergyClasses: ReadonlySet<string>,
): void {
  const { ctx, rng, nowMs } = state;
  const { age, sex } = patient;
  const conditions = health.conditions;
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
  // An urgent CT of a contrast-allergic patient gets contrast after premedication, on a prescriber's recorded
  // override (issue 20); otherwise allergic patients get none. No random draw here: the stream stays as it was.
  const contrastOverride =
    study.contrast > 0 && allergyClasses.has('CONTRAST') && study.modality === 'CT' && priority !== 'ROUTINE'
      ? 'Premedicated with prednisone and diphenhydramine per contrast-allergy protocol'
      : null;
  const contrast = contrastOverride !== null || (study.contrast > 0 && !allergyClasses.has('CONTRAST') && rng.chance(study.contrast));
  b.imaging_orders.add([
    ctx.id, rng.uuid(), patient.id, e.id, e.provider.id, study.modality, study.bodyPart,
    state.bodySystems.get(study.bodySystem)!, rng.pick(study.lateralities), contrast, priority, status,
    e.acute ? e.acute.description : e.reason, reportedAt === null ? null : findings, reportedAt === null ? null : impression,
    iso(orderedAt), scheduledAt === null ? null : iso(scheduledAt), completedAt === null ? null : iso(completedAt),
    reportedAt === null ? null : iso(reportedAt), reportedAt === null ? null : ctx.radiologist.id,
    cancelledAt === null ? null : iso(cancelledAt),
    cancelledAt === null ? null : rng.pick(['Patient declined', 'Study no longer indicated', 'Duplicate order']),
    iso(orderedAt), iso(reportedAt ?? completedAt ?? cancelledAt ?? orderedAt), contrastOverride,
  ]);
}
