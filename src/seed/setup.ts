/**
 * Organization-level synthetic data: the organization, its staff (the demo
 * accounts), departments, service catalog and workflow configuration.
 */
import { demoUsersFor, type DemoOrganization, type DemoRole } from './demo-accounts.js';
import { REGIONS, type Region } from './names.js';
import { Rng } from './random.js';
import type { Buffers } from './tables.js';
import { DAY, HOUR, MINUTE, ZoneClock, iso } from './time.js';

export interface StaffUser {
  id: string;
  email: string;
  role: DemoRole;
  displayName: string;
  specialty: string | null;
}

export interface Department {
  id: string;
  code: string;
  name: string;
  type: string;
}

export interface CatalogItem {
  id: string;
  code: string;
  name: string;
  category: string;
  priceCents: number;
  /** Tax rate in units of 0.0001 (625 = 6.25 %). */
  taxBp: number;
}

export interface OrgContext {
  index: number;
  id: string;
  org: DemoOrganization;
  clock: ZoneClock;
  region: Region;
  createdAt: number;
  users: StaffUser[];
  admin: StaffUser;
  physicians: StaffUser[];
  nurses: StaffUser[];
  frontDesk: StaffUser;
  billing: StaffUser;
  radiologist: StaffUser;
  departments: Map<string, Department>;
  outpatientDepartments: Department[];
  catalog: Map<string, CatalogItem>;
  /** Catalog items eligible as extra invoice lines, by category. */
  catalogByCategory: Map<string, CatalogItem[]>;
  workflows: { labOrder: string; encounter: string; imaging: string; prescription: string };
}

const DEPARTMENTS: readonly {
  code: string;
  name: string;
  type: string;
  location: string;
  description: string;
}[] = [
  { code: 'GMED', name: 'General Medicine Clinic', type: 'OUTPATIENT', location: 'Building A, Floor 1', description: 'Adult primary care and internal medicine outpatient clinic.' },
  { code: 'PEDS', name: 'Pediatrics Clinic', type: 'OUTPATIENT', location: 'Building A, Floor 2', description: 'Outpatient care for infants, children and adolescents.' },
  { code: 'CARD', name: 'Cardiology Clinic', type: 'OUTPATIENT', location: 'Building B, Floor 3', description: 'Specialist outpatient cardiology, ECG and echocardiography.' },
  { code: 'ED', name: 'Emergency Department', type: 'EMERGENCY', location: 'Building C, Ground Floor', description: '24/7 emergency care and observation.' },
  { code: 'WARD', name: 'Medical Ward', type: 'INPATIENT', location: 'Building C, Floors 4-5', description: 'Adult inpatient medical beds.' },
  { code: 'LAB', name: 'Clinical Laboratory', type: 'LABORATORY', location: 'Building B, Basement', description: 'Hematology, chemistry and specimen collection.' },
  { code: 'RAD', name: 'Radiology and Imaging', type: 'RADIOLOGY', location: 'Building B, Floor 1', description: 'X-ray, CT, MRI, ultrasound and mammography.' },
  { code: 'PHARM', name: 'Outpatient Pharmacy', type: 'PHARMACY', location: 'Building A, Ground Floor', description: 'Dispensing and medication counselling.' },
  { code: 'BILL', name: 'Patient Accounts', type: 'BILLING', location: 'Building A, Floor 1', description: 'Invoices, payments and insurance claims.' },
];

/** [code, name, category, department code, price in dollars, taxed] */
const CATALOG: readonly (readonly [string, string, string, string | null, number, boolean])[] = [
  ['CONS-NEW', 'New patient consultation', 'CONSULTATION', 'GMED', 180, false],
  ['CONS-EST', 'Established patient visit', 'CONSULTATION', 'GMED', 120, false],
  ['CONS-FU', 'Follow-up consultation', 'CONSULTATION', 'GMED', 95, false],
  ['CONS-SPEC', 'Specialist consultation', 'CONSULTATION', 'CARD', 250, false],
  ['CONS-PED', 'Pediatric consultation', 'CONSULTATION', 'PEDS', 130, false],
  ['CONS-TELE', 'Telehealth consultation', 'CONSULTATION', 'GMED', 75, false],
  ['CONS-HOME', 'Home visit', 'CONSULTATION', 'GMED', 220, false],
  ['ED-L2', 'Emergency department visit, level 2', 'CONSULTATION', 'ED', 280, false],
  ['ED-L3', 'Emergency department visit, level 3', 'CONSULTATION', 'ED', 450, false],
  ['ED-L4', 'Emergency department visit, level 4', 'CONSULTATION', 'ED', 780, false],
  ['LAB-CBC', 'Complete blood count', 'LABORATORY', 'LAB', 32, false],
  ['LAB-BMP', 'Basic metabolic panel', 'LABORATORY', 'LAB', 38, false],
  ['LAB-HBA1C', 'Hemoglobin A1c', 'LABORATORY', 'LAB', 45, false],
  ['LAB-LIPID', 'Lipid panel', 'LABORATORY', 'LAB', 52, false],
  ['LAB-TSH', 'Thyroid stimulating hormone', 'LABORATORY', 'LAB', 48, false],
  ['LAB-UA', 'Urinalysis with microscopy', 'LABORATORY', 'LAB', 25, false],
  ['LAB-VENI', 'Venipuncture', 'LABORATORY', 'LAB', 12, false],
  ['IMG-XRAY', 'X-ray, up to 3 views', 'IMAGING', 'RAD', 140, false],
  ['IMG-CT', 'CT scan, single region', 'IMAGING', 'RAD', 820, false],
  ['IMG-MRI', 'MRI, single region', 'IMAGING', 'RAD', 1450, false],
  ['IMG-ULTRASOUND', 'Ultrasound, single region', 'IMAGING', 'RAD', 320, false],
  ['IMG-MAMMOGRAPHY', 'Screening mammography', 'IMAGING', 'RAD', 240, false],
  ['IMG-NUCLEAR', 'Nuclear medicine study', 'IMAGING', 'RAD', 1200, false],
  ['IMG-FLUOROSCOPY', 'Fluoroscopy study', 'IMAGING', 'RAD', 380, false],
  ['IMG-PET', 'PET-CT study', 'IMAGING', 'RAD', 3200, false],
  ['PROC-ECG', '12-lead electrocardiogram', 'PROCEDURE', 'CARD', 85, false],
  ['PROC-LAC', 'Laceration repair, simple', 'PROCEDURE', 'ED', 310, false],
  ['PROC-NEB', 'Nebulizer treatment', 'PROCEDURE', 'GMED', 45, false],
  ['PROC-IMM', 'Immunization administration', 'PROCEDURE', 'GMED', 28, false],
  ['PROC-INJ', 'Therapeutic injection', 'PROCEDURE', 'GMED', 35, false],
  ['PROC-SPLINT', 'Splint application', 'PROCEDURE', 'ED', 160, false],
  ['PHARM-DISP', 'Prescription dispensing fee', 'PHARMACY', 'PHARM', 12, false],
  ['PHARM-OTC', 'Over-the-counter medication', 'PHARMACY', 'PHARM', 8.5, true],
  ['PHARM-SUPPLY', 'Medical supplies', 'PHARMACY', 'PHARM', 18, true],
  ['PHARM-SPACER', 'Inhaler spacer device', 'PHARMACY', 'PHARM', 22, true],
  ['ROOM-SEMI', 'Semi-private room, per day', 'ROOM', 'WARD', 1800, false],
  ['ROOM-PRIV', 'Private room, per day', 'ROOM', 'WARD', 2400, false],
  ['NURS-IV', 'IV infusion, first hour', 'NURSING', 'ED', 150, false],
  ['NURS-WOUND', 'Wound care and dressing', 'NURSING', 'GMED', 65, false],
  ['NURS-OBS', 'Observation, per hour', 'NURSING', 'ED', 90, false],
  ['OTH-CERT', 'Medical certificate', 'OTHER', 'BILL', 25, true],
  ['OTH-RECORDS', 'Copy of medical records', 'OTHER', 'BILL', 15, true],
];

/** Sales tax of taxed items (units of 0.0001) and price level, per organization index. */
const TAX_BP = [625, 1025, 725, 825, 700, 600, 890, 560];
const PRICE_FACTOR = [1, 0.82, 1.12, 0.95, 1.05, 0.9, 1.2, 0.88];

interface StateDef {
  code: string;
  name: string;
  initial: boolean;
  terminal: boolean;
}
interface TransitionDef {
  from: string;
  to: string;
  event: string;
  allowedRoles: DemoRole[];
  guards: unknown[];
  actions: { type: 'CREATE_TASK'; role: DemoRole; name: string }[];
}
export interface StateMachine {
  states: StateDef[];
  transitions: TransitionDef[];
}

const state = (code: string, name: string, initial = false, terminal = false): StateDef => ({ code, name, initial, terminal });
const task = (role: DemoRole, name: string) => ({ type: 'CREATE_TASK' as const, role, name });
const move = (
  from: string,
  to: string,
  event: string,
  allowedRoles: DemoRole[],
  actions: TransitionDef['actions'] = [],
): TransitionDef => ({ from, to, event, allowedRoles, guards: [], actions });

/**
 * Laboratory order. The task for the work of a state is created by the
 * transition into it (the seeder also opens "Collect specimen" when an
 * instance starts in ORDERED).
 */
export const LAB_ORDER_MACHINE: StateMachine = {
  states: [
    state('ORDERED', 'Ordered', true),
    state('COLLECTED', 'Specimen collected'),
    state('RESULTED', 'Resulted'),
    state('VERIFIED', 'Verified', false, true),
    state('CANCELLED', 'Cancelled', false, true),
  ],
  transitions: [
    move('ORDERED', 'COLLECTED', 'COLLECT', ['NURSE', 'PHYSICIAN'], [task('NURSE', 'Enter results')]),
    move('COLLECTED', 'RESULTED', 'RESULT', ['NURSE', 'PHYSICIAN'], [task('PHYSICIAN', 'Verify results')]),
    move('RESULTED', 'VERIFIED', 'VERIFY', ['PHYSICIAN']),
    move('ORDERED', 'CANCELLED', 'CANCEL', ['PHYSICIAN']),
    move('COLLECTED', 'CANCELLED', 'CANCEL', ['PHYSICIAN']),
  ],
};

export const ENCOUNTER_MACHINE: StateMachine = {
  states: [
    state('CHECKED_IN', 'Checked in', true),
    state('TRIAGED', 'Triaged'),
    state('IN_CONSULTATION', 'In consultation'),
    state('DISCHARGED', 'Discharged', false, true),
    state('LEFT_WITHOUT_BEING_SEEN', 'Left without being seen', false, true),
  ],
  transitions: [
    move('CHECKED_IN', 'TRIAGED', 'TRIAGE', ['NURSE'], [task('PHYSICIAN', 'See patient')]),
    move('TRIAGED', 'IN_CONSULTATION', 'START_CONSULTATION', ['PHYSICIAN']),
    // Terminal: the encounter's workflow ends there and opens no task (billing invoices from the
    // encounter, not from a workflow task BILLING could never claim).
    move('IN_CONSULTATION', 'DISCHARGED', 'DISCHARGE', ['PHYSICIAN']),
    move('CHECKED_IN', 'LEFT_WITHOUT_BEING_SEEN', 'LEAVE', ['NURSE']),
    move('TRIAGED', 'LEFT_WITHOUT_BEING_SEEN', 'LEAVE', ['NURSE']),
  ],
};

export const IMAGING_MACHINE: StateMachine = {
  states: [
    state('ORDERED', 'Ordered', true),
    state('SCHEDULED', 'Scheduled'),
    state('PERFORMED', 'Performed'),
    state('REPORTED', 'Reported', false, true),
    state('CANCELLED', 'Cancelled', false, true),
  ],
  transitions: [
    // Only roles with WORKFLOWS_WRITE may move workflows (front desk schedules the appointment itself).
    move('ORDERED', 'SCHEDULED', 'SCHEDULE', ['NURSE'], [task('NURSE', 'Prepare patient for imaging')]),
    move('SCHEDULED', 'PERFORMED', 'PERFORM', ['NURSE', 'PHYSICIAN'], [task('PHYSICIAN', 'Report study')]),
    move('PERFORMED', 'REPORTED', 'REPORT', ['PHYSICIAN']),
    move('ORDERED', 'CANCELLED', 'CANCEL', ['PHYSICIAN']),
    move('SCHEDULED', 'CANCELLED', 'CANCEL', ['PHYSICIAN']),
  ],
};

export const PRESCRIPTION_MACHINE: StateMachine = {
  states: [
    state('PRESCRIBED', 'Prescribed', true),
    state('VERIFIED', 'Pharmacist verified'),
    state('DISPENSED', 'Dispensed', false, true),
    state('REJECTED', 'Rejected', false, true),
  ],
  transitions: [
    move('PRESCRIBED', 'VERIFIED', 'VERIFY', ['PHYSICIAN', 'NURSE'], [task('NURSE', 'Dispense medication')]),
    move('VERIFIED', 'DISPENSED', 'DISPENSE', ['NURSE']),
    move('PRESCRIBED', 'REJECTED', 'REJECT', ['PHYSICIAN']),
  ],
};

function phone(rng: Rng, region: Region): string {
  return `+1-${rng.pick(region.areaCodes)}-555-${rng.digits(4)}`;
}

/** Builds (and buffers) the organization and everything patients' data refers to. */
export function setUpOrganization(
  buffers: Buffers,
  org: DemoOrganization,
  index: number,
  anchorDay: number,
  passwordHash: string,
  rng: Rng,
): OrgContext {
  const region = REGIONS[index % REGIONS.length]!;
  const clock = new ZoneClock(org.timezone);
  const createdAt = clock.at(anchorDay - 6 * 365 - rng.int(200), 9 * 60);
  const created = iso(createdAt);
  const id = rng.uuid();
  buffers.organizations.add([id, org.name, org.slug, org.timezone, true, created, created]);

  const users: StaffUser[] = [];
  for (const demo of demoUsersFor(org, index)) {
    const userId = rng.uuid();
    const license =
      demo.role === 'PHYSICIAN' ? `MD-${rng.digits(7)}` : demo.role === 'NURSE' ? `RN-${rng.digits(7)}` : null;
    const at = iso(createdAt + rng.int(30) * DAY);
    buffers.users.add([
      id, userId, demo.email, passwordHash, demo.displayName, demo.givenName, demo.familyName, demo.title,
      phone(rng, region), demo.specialty, license, true, at, at, at,
    ]);
    users.push({ id: userId, email: demo.email, role: demo.role, displayName: demo.displayName, specialty: demo.specialty });
  }
  const byRole = (role: DemoRole) => users.filter((u) => u.role === role);
  const admin = byRole('ORG_ADMIN')[0]!;
  for (const user of users) {
    buffers.user_roles.add([id, rng.uuid(), user.id, user.role, user === admin ? null : admin.id, created]);
  }
  // Past, expired and revoked sessions of the role accounts (refresh tokens are stored as SHA-256 hex).
  for (const user of users.slice(0, 6)) {
    const issuedAt = anchorDay * DAY - rng.between(2, 40) * DAY + rng.int(10 * 60) * MINUTE;
    buffers.refresh_tokens.add([
      id, rng.uuid(), user.id, rng.uuid(), rng.hex(32), iso(issuedAt), iso(issuedAt + 24 * HOUR), null,
      iso(issuedAt + rng.between(1, 9) * HOUR), rng.pick(USER_AGENTS), `10.${20 + index}.${rng.int(256)}.${rng.between(1, 254)}`,
      iso(issuedAt), iso(issuedAt),
    ]);
  }

  const departments = new Map<string, Department>();
  for (const d of DEPARTMENTS) {
    const deptId = rng.uuid();
    buffers.departments.add([id, deptId, d.name, d.code, d.description, d.type, d.location, phone(rng, region), true, created, created]);
    departments.set(d.code, { id: deptId, code: d.code, name: d.name, type: d.type });
  }

  const catalog = new Map<string, CatalogItem>();
  const catalogByCategory = new Map<string, CatalogItem[]>();
  const taxBp = TAX_BP[index % TAX_BP.length]!;
  const factor = PRICE_FACTOR[index % PRICE_FACTOR.length]!;
  for (const [code, name, category, dept, price, taxed] of CATALOG) {
    const item: CatalogItem = {
      id: rng.uuid(),
      code,
      name,
      category,
      priceCents: Math.round(price * factor * 100 / 50) * 50,
      taxBp: taxed ? taxBp : 0,
    };
    buffers.service_catalog.add([
      id, item.id, code, name, null, category, dept ? departments.get(dept)!.id : null, money(item.priceCents),
      rate(item.taxBp), 'USD', true, created, created,
    ]);
    catalog.set(code, item);
    const list = catalogByCategory.get(category) ?? [];
    list.push(item);
    catalogByCategory.set(category, list);
  }

  const definitions: [keyof OrgContext['workflows'], string, string, string, string, StateMachine][] = [
    ['labOrder', 'lab-order', 'Laboratory order', 'LAB_ORDER', 'Specimen collection, resulting and physician verification of laboratory orders.', LAB_ORDER_MACHINE],
    ['encounter', 'outpatient-visit', 'Outpatient visit', 'ENCOUNTER', 'Check-in, triage, consultation and discharge of an outpatient visit.', ENCOUNTER_MACHINE],
    ['imaging', 'imaging-order', 'Imaging order', 'IMAGING_ORDER', 'Scheduling, acquisition and reporting of imaging studies.', IMAGING_MACHINE],
    ['prescription', 'prescription-verification', 'Prescription verification', 'PRESCRIPTION', 'Pharmacist verification and dispensing of prescriptions.', PRESCRIPTION_MACHINE],
  ];
  const workflows = {} as OrgContext['workflows'];
  const published = iso(createdAt + 45 * DAY);
  for (const [field, key, name, entityType, description, machine] of definitions) {
    const definitionId = rng.uuid();
    workflows[field] = definitionId;
    buffers.workflow_definitions.add([
      id, definitionId, name, description, entityType, key, 1, 'PUBLISHED', true, true, JSON.stringify(machine),
      published, admin.id, published, published,
    ]);
  }
  buffers.workflow_config.add([
    id, rng.uuid(),
    JSON.stringify({
      timezone: org.timezone,
      taskAssignment: 'ROLE_QUEUE',
      notifyAssigneeOnCreate: true,
      workingHours: { start: '08:00', end: '17:00', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
    }),
    24, true, 48, published, published,
  ]);
  // The designer document of the laboratory workflow: one node per state, one edge per transition.
  const nodes = LAB_ORDER_MACHINE.states.map((s, i) => ({
    id: s.code,
    type: s.initial ? 'start' : s.terminal ? 'end' : 'state',
    label: s.name,
    position: { x: 80 + i * 220, y: s.code === 'CANCELLED' ? 260 : 120 },
  }));
  const edges = LAB_ORDER_MACHINE.transitions.map((t) => ({
    id: `${t.from}-${t.event}-${t.to}`,
    source: t.from,
    target: t.to,
    label: t.event,
  }));
  buffers.visual_workflows.add([
    id, rng.uuid(), workflows.labOrder, 'Laboratory order (designer)', 'Visual layout of the laboratory order workflow.',
    JSON.stringify(nodes), JSON.stringify(edges), JSON.stringify({ direction: 'LR', zoom: 1, grid: 20 }), admin.id,
    published, published,
  ]);

  const physicians = byRole('PHYSICIAN');
  return {
    index,
    id,
    org,
    clock,
    region,
    createdAt,
    users,
    admin,
    physicians,
    nurses: byRole('NURSE'),
    frontDesk: byRole('FRONT_DESK')[0]!,
    billing: byRole('BILLING')[0]!,
    radiologist: physicians.find((p) => p.specialty === 'Radiology') ?? physicians[0]!,
    departments,
    outpatientDepartments: [...departments.values()].filter((d) => d.type === 'OUTPATIENT'),
    catalog,
    catalogByCategory,
    workflows,
  };
}

const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

/** Integer cents as a numeric(12,2) literal. */
export function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** A rate in units of 0.0001 as a numeric(5,4) literal. */
export function rate(bp: number): string {
  return (bp / 10000).toFixed(4);
}
