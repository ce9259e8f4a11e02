/**
 * What the steps generating one patient's record hand each other: the patient
 * (decided by the demographics), their health (decided before any visit), and
 * the encounters and problems the later records hang on.
 */
import type { Condition } from '../clinical/conditions.js';
import type { VitalValues } from '../clinical/vitals.js';
import type { Department, StaffUser } from '../setup.js';

export type Sex = 'MALE' | 'FEMALE' | 'INTERSEX' | 'UNKNOWN';

export interface Patient {
  id: string;
  /** Position in the organization: the first two patients get one of everything (see `showcase`). */
  indexInOrg: number;
  showcase: boolean;
  sex: Sex;
  dobDay: number;
  /** Age today (at the anchor day). */
  age: number;
  isChild: boolean;
  status: 'ACTIVE' | 'INACTIVE' | 'DECEASED';
  registeredDay: number;
  registeredAt: number;
  deceasedAt: number | null;
  /** The day of death, else today: nothing happens after it. */
  lastActivityDay: number;
  insured: boolean;
}

/** The patient's body and history, chosen up front; the problems are recorded later, at the visits. */
export interface Health {
  adultHeight: number;
  bmi: number;
  /** Index of the primary physician in `ctx.physicians`. */
  primary: number;
  encounterCount: number;
  /** The days visits may fall on: [windowStart, windowEnd]; empty when windowStart > windowEnd. */
  windowStart: number;
  windowEnd: number;
  conditions: Condition[];
  chronic: Condition[];
  acute: Condition[];
  conditionKeys: ReadonlySet<string>;
}

export interface Encounter {
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
  /** The first vital signs taken (quoted by the note). */
  vitals: VitalValues | null;
  /** What the visit ordered and prescribed (billed by the invoice). */
  labPanels: string[];
  imaging: string[];
  prescriptions: number;
}

export interface Problem {
  condition: Condition;
  status: string;
  encounter: Encounter | null;
  onsetDay: number;
}

export const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
export const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
