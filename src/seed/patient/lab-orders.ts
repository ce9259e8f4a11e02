/** Lab orders of the visits, their results, and for some the lab-order workflow that tracked them. */
import { LAB_PANEL_BY_KEY, labAbnormalFlag, type Analyte, type LabPanel } from '../clinical/labs.js';
import type { OrgState } from '../org-state.js';
import type { Rng } from '../random.js';
import type { StaffUser } from '../setup.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, iso } from '../time.js';
import { clamp, type Encounter, type Health, type Patient, type Sex } from './record.js';

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

/** A quarter of the visits order a panel (the showcase patients' always; the second one's still open). */
export function writeLabTests(state: OrgState, b: Buffers, patient: Patient, health: Health, seen: readonly Encounter[]): void {
  const { rng } = state;
  const { showcase, indexInOrg } = patient;
  for (let i = 0; i < seen.length; i++) {
    const e = seen[i]!;
    const forced = showcase && (indexInOrg === 0 ? i === 0 : i === seen.length - 1);
    if (!(rng.chance(0.24) || forced)) continue;
    writeLabTest(state, b, patient, health, e, forced && indexInOrg === 1);
  }
}

/** Where an order got to by now, and when each of its steps happened (null: not yet, or never). */
interface LabTimeline {
  status: string;
  collectedAt: number | null;
  resultedAt: number | null;
  verifiedAt: number | null;
  cancelledAt: number | null;
  cancelReason: string | null;
}

function writeLabTest(state: OrgState, b: Buffers, patient: Patient, health: Health, e: Encounter, forceOpen: boolean): void {
  const { ctx, rng } = state;
  const candidates = [...new Set((e.acute ? [e.acute] : health.conditions).flatMap((c) => c.labs))];
  const panel: LabPanel =
    candidates.length > 0 && rng.chance(0.8)
      ? LAB_PANEL_BY_KEY.get(rng.pick(candidates))!
      : LAB_PANEL_BY_KEY.get(rng.weighted(['CBC', 'BMP', 'LIPID', 'HBA1C', 'TSH'], [35, 30, 18, 10, 7]))!;
  e.labPanels.push(panel.key);
  const priority = e.type === 'EMERGENCY' ? rng.weighted(['STAT', 'URGENT', 'ROUTINE'], [30, 40, 30]) : rng.weighted(['ROUTINE', 'URGENT', 'STAT'], [85, 12, 3]);
  const orderedAt = e.startedAt! + rng.between(10, 40) * MINUTE;
  const timeline = labTimeline(state, orderedAt, priority !== 'ROUTINE', forceOpen);
  const { status, collectedAt, resultedAt, verifiedAt, cancelledAt, cancelReason } = timeline;
  const testId = rng.uuid();
  const updated = verifiedAt ?? resultedAt ?? cancelledAt ?? collectedAt ?? orderedAt;
  b.lab_tests.add([
    ctx.id, testId, patient.id, e.id, e.provider.id, panel.code, panel.name, panel.specimen, priority, status,
    e.acute ? e.acute.description : rng.pick(['Routine monitoring', 'Screening', 'Follow-up of chronic condition', e.reason]),
    status === 'CANCELLED' ? null : rng.chance(0.1) ? 'Fasting specimen requested.' : null, iso(orderedAt),
    collectedAt === null ? null : iso(collectedAt), resultedAt === null ? null : iso(resultedAt),
    cancelledAt === null ? null : iso(cancelledAt), cancelReason, iso(orderedAt), iso(updated),
  ]);

  if (resultedAt !== null) writeLabResults(state, b, patient, health, testId, panel, timeline, resultedAt);

  // Workflow instance for ~10 % of lab orders (and always a few per organization, some still open).
  const open = status === 'ORDERED' || status === 'COLLECTED' || status === 'IN_PROGRESS' || status === 'RESULTED';
  if (rng.chance(0.1) || state.labInstances < 3 || (open && state.activeLabInstances < 3)) {
    state.labInstances += 1;
    if (open) state.activeLabInstances += 1;
    writeLabWorkflow(state, b, { testId, patientId: patient.id, panel, priority, physician: e.provider, orderedAt, ...timeline });
  }
}

/** Rolls where the order should be, then walks it there, stopping at any step whose time has not come yet. */
function labTimeline(state: OrgState, orderedAt: number, stat: boolean, forceOpen: boolean): LabTimeline {
  const { rng, nowMs } = state;
  const fresh = nowMs - orderedAt < 3 * DAY;
  let status = forceOpen
    ? rng.pick(['ORDERED', 'COLLECTED'])
    : fresh
      ? rng.weighted(['ORDERED', 'COLLECTED', 'IN_PROGRESS', 'RESULTED', 'VERIFIED'], [25, 25, 15, 20, 15])
      : rng.weighted(['VERIFIED', 'RESULTED', 'CANCELLED'], [86, 8, 6]);
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
  return { status, collectedAt, resultedAt, verifiedAt, cancelledAt, cancelReason };
}

/** The first analytes of the panel, final once verified, flagged against the (sex-specific) reference range. */
function writeLabResults(
  state: OrgState,
  b: Buffers,
  patient: Patient,
  health: Health,
  testId: string,
  panel: LabPanel,
  timeline: LabTimeline,
  resultedAt: number,
): void {
  const { ctx, rng } = state;
  const { sex } = patient;
  const count = panel.analytes.length === 1 ? 1 : rng.weighted([4, 3, 2], [70, 20, 10]);
  const resultStatus = timeline.status === 'VERIFIED' ? 'FINAL' : 'PRELIMINARY';
  const technician = rng.pick(ctx.nurses);
  for (const a of panel.analytes.slice(0, count)) {
    const value = analyteValue(rng, a, sex, health.conditionKeys);
    const [low, high] = sex === 'FEMALE' && a.female ? a.female : [a.low, a.high];
    const flag = labAbnormalFlag(value, low, high, a.criticalLow, a.criticalHigh);
    const text = value.toFixed(a.decimals);
    const range = low === 0 ? `<${(high + 10 ** -a.decimals).toFixed(a.decimals)}` : `${low.toFixed(a.decimals)}-${high.toFixed(a.decimals)}`;
    b.lab_results.add([
      ctx.id, rng.uuid(), testId, patient.id, a.name, a.code, text, text, a.unit, range, String(low), String(high), flag,
      resultStatus, flag.startsWith('CRITICAL') ? 'Critical value called to the ordering provider.' : null,
      iso(resultedAt), technician.id, iso(resultedAt), iso(timeline.verifiedAt ?? resultedAt),
    ]);
  }
}

/** The order as the lab-order workflow saw it. */
interface LabOrder extends LabTimeline {
  testId: string;
  patientId: string;
  panel: LabPanel;
  priority: string;
  physician: StaffUser;
  orderedAt: number;
}

/** The instance, a transition per step the order took, and the task each state expected (done, or still open). */
function writeLabWorkflow(state: OrgState, b: Buffers, order: LabOrder): void {
  const { ctx, rng } = state;
  const { testId, patientId, panel, priority, physician, status: labStatus, orderedAt, collectedAt, resultedAt, verifiedAt, cancelledAt } = order;
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
    // The patient is the instance's own column, never user context: the value its trigger
    // (workflow_instances_patient) derives from the lab test, given here for loads that skip triggers.
    org, instanceId, ctx.workflows.labOrder, 'LAB_ORDER', testId, patientId, current.to,
    JSON.stringify({ labTestId: testId, testCode: panel.code, testName: panel.name, priority }),
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
