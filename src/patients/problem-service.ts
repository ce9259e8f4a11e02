import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { badInput, fromDatabaseError } from '../kernel/errors.js';
import { matching, optionalText, pastOrTodayDate, requiredText } from '../kernel/validation.js';
import { organizationTodayOf } from './organization-calendar.js';
import { requirePatient } from './encounter-service.js';
import { auditLateEntry, requireWritableEncounter } from './encounter-guards.js';
import * as problems from './problem-repository.js';
import { assertProblemTransition, resolutionDate } from './problem-rules.js';
import { atVersion } from '../kernel/concurrency.js';

/** Foreign-key failures of problem writes, as messages that name the input. */
const PROBLEM_REFERENCES = {
  problem_list_organization_id_patient_id_encounter_id_fkey: () =>
    badInput('encounterId is not an encounter of this patient', 'encounterId'),
};

const CODE_SYSTEM = /^[A-Z0-9][A-Z0-9_.-]{0,31}$/;

export async function addProblem(
  ctx: TenantContext,
  input: {
    patientId: string;
    encounterId: string | null;
    code?: string | null;
    codeSystem?: string | null;
    description: string;
    severity?: string | null;
    onsetDate?: string | null;
    notes?: string | null;
    lateEntryReason?: string | null;
  },
): Promise<problems.ProblemRow> {
  const code = optionalText(input.code, 'code', 50) ?? null;
  const codeSystem =
    matching(optionalText(input.codeSystem, 'codeSystem', 32)?.toUpperCase(), 'codeSystem', CODE_SYSTEM, 'a coding system such as ICD-10 or SNOMED-CT') ??
    null;
  if (code && !codeSystem) throw badInput('codeSystem is required with code', 'codeSystem');
  const values: problems.NewProblem = {
    patientId: input.patientId,
    encounterId: input.encounterId,
    code,
    codeSystem,
    description: requiredText(input.description, 'description', 1000),
    severity: input.severity ?? null,
    onsetDate: null,
    recordedBy: ctx.viewer.userId,
    notes: optionalText(input.notes, 'notes', 5000) ?? null,
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    await requirePatient(tx, scope.organizationId, input.patientId);
    const late = await requireWritableEncounter(tx, scope.organizationId, input);
    const today = await organizationTodayOf(tx, scope.organizationId);
    const onsetDate = pastOrTodayDate(input.onsetDate, 'onsetDate', today) ?? null;
    const problem = await problems
      .insertProblem(tx, scope.organizationId, { ...values, onsetDate })
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, PROBLEM_REFERENCES)));
    audit({ action: 'problem.create', entityType: 'problem', entityId: problem.id, after: problem });
    auditLateEntry(audit, late, 'problem', problem.id);
    return problem;
  });
}

/** ACTIVE → RESOLVED on `resolvedDate` (default today), checking the client's version. */
export async function resolveProblem(
  ctx: TenantContext,
  input: { id: string; version: number; resolvedDate?: string | null },
): Promise<problems.ProblemRow> {
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await problems.lockProblem(tx, scope.organizationId, input.id), input.version, 'Problem', input.id);
    assertProblemTransition(before.status, 'RESOLVED');
    const resolvedDate = resolutionDate(before.onsetDate, input.resolvedDate, await organizationTodayOf(tx, scope.organizationId));
    const after = await problems.updateProblemStatus(tx, { ...before, status: 'RESOLVED', resolvedDate });
    audit({ action: 'problem.resolve', entityType: 'problem', entityId: input.id, ...changedFields(before, after) });
    return after;
  });
}
