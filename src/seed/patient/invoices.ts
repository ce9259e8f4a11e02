/** Invoices for the visits (and a few over-the-counter sales), their line items and payments. */
import type { OrgState } from '../org-state.js';
import { money, rate, type CatalogItem } from '../setup.js';
import type { Buffers } from '../tables.js';
import { DAY, HOUR, MINUTE, iso, isoDate } from '../time.js';
import { clamp, type Encounter, type Patient } from './record.js';

const LAB_ITEM: Record<string, string> = { CBC: 'LAB-CBC', BMP: 'LAB-BMP', HBA1C: 'LAB-HBA1C', LIPID: 'LAB-LIPID', TSH: 'LAB-TSH' };

type Row = (string | number | null)[];

interface Line {
  item: CatalogItem;
  quantity: number;
}

interface Payment {
  amount: number;
  method: string;
}

/** Most last visits are billed (the first patient's invoice paid), some earlier ones; patients without a visit may buy over the counter. */
export function writeInvoices(state: OrgState, b: Buffers, patient: Patient, encounters: readonly Encounter[]): void {
  const { rng } = state;
  const billable = encounters.filter((e) => e.status === 'COMPLETED');
  if (billable.length > 0) {
    const last = billable[billable.length - 1]!;
    if (rng.chance(0.85) || patient.showcase) writeInvoice(state, b, patient, last, patient.indexInOrg === 0);
    if (billable.length > 1 && rng.chance(0.2)) writeInvoice(state, b, patient, rng.pick(billable.slice(0, -1)), false);
  } else if (patient.status !== 'DECEASED' && rng.chance(0.3)) {
    writeInvoice(state, b, patient, null, false);
  }
}

function writeInvoice(state: OrgState, b: Buffers, patient: Patient, e: Encounter | null, forcePaid: boolean): void {
  const { ctx, rng, nowMs } = state;
  const lines = invoiceLines(state, e);

  const basis = e?.endedAt ?? Math.max(patient.registeredAt, nowMs - rng.between(1, 700) * DAY);
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
  const { lineRows, subtotal, discountTotal, taxTotal } = priceLines(state, invoiceId, lines);
  const total = subtotal - discountTotal + taxTotal;
  const settlement = settle(state, status, total, patient.insured);
  const { payments } = settlement;
  status = settlement.status;
  const amountPaid = payments.reduce((sum, p) => sum + p.amount, 0);

  const seq = state.nextInvoiceSeq++;
  const issued = status !== 'DRAFT';
  const { paymentRows, lastPaymentAt } = paymentRowsOf(state, patient, invoiceId, seq, issuedAt, payments);
  const updatedAt = payments.length > 0 ? lastPaymentAt : issued ? issuedAt : createdAt;
  b.invoices.add([
    ctx.id, invoiceId, `INV-${String(seq).padStart(6, '0')}`, seq, patient.id, e?.id ?? null, status, 'USD',
    money(subtotal), money(discountTotal), money(taxTotal), money(total), money(amountPaid), money(0),
    money(total - amountPaid), issued ? iso(issuedAt) : null, issued ? isoDate(Math.floor(issuedAt / DAY) + 30) : null,
    rng.chance(0.05) ? rng.pick(['Payment plan agreed.', 'Insurance pre-authorization on file.', 'Self-pay discount applied.']) : null,
    ctx.billing.id, iso(createdAt), iso(updatedAt),
  ]);
  const createdText = iso(createdAt);
  for (const row of lineRows) b.invoice_line_items.add([...row, createdText, createdText]);
  for (const row of paymentRows) b.payments.add(row);
}

/** What was billed: the visit itself, what it ordered (up to four lines), then a few extras. */
function invoiceLines(state: OrgState, e: Encounter | null): Line[] {
  const { ctx, rng } = state;
  const item = (code: string) => ctx.catalog.get(code)!;
  const lines: Line[] = [];
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
  return lines;
}

/** Line-item rows (without their timestamps) and the invoice totals, in cents; some lines discounted. */
function priceLines(state: OrgState, invoiceId: string, lines: readonly Line[]) {
  const { ctx, rng } = state;
  let subtotal = 0;
  let discountTotal = 0;
  let taxTotal = 0;
  const lineRows: Row[] = [];
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
  return { lineRows, subtotal, discountTotal, taxTotal };
}

/**
 * The payments a paid or partly paid invoice received (insurance covering most
 * of it for some insured patients); an issued invoice with nothing to pay is PAID.
 */
function settle(state: OrgState, status: string, total: number, insured: boolean): { payments: Payment[]; status: string } {
  const { rng } = state;
  const payments: Payment[] = [];
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
    return { payments, status: total === 0 ? 'PAID' : 'ISSUED' };
  }
  // An issued invoice with nothing to pay is PAID (the status is a function of the amounts: invoice-accounting.ts).
  return { payments, status: status === 'ISSUED' && total === 0 ? 'PAID' : status };
}

/** Payment rows, each received after the previous one (and not after now), with a reference in the method's style. */
function paymentRowsOf(
  state: OrgState,
  patient: Patient,
  invoiceId: string,
  seq: number,
  issuedAt: number,
  payments: readonly Payment[],
): { paymentRows: Row[]; lastPaymentAt: number } {
  const { ctx, rng, nowMs } = state;
  let lastPaymentAt = issuedAt;
  const paymentRows: Row[] = [];
  for (const p of payments) {
    const receivedAt = Math.min(nowMs - MINUTE, lastPaymentAt + rng.between(10, 30 * 24 * 60) * MINUTE);
    lastPaymentAt = receivedAt;
    const reference =
      p.method === 'CARD' ? `AUTH-${rng.digits(6)}` : p.method === 'INSURANCE' ? `CLM-${rng.digits(10)}` : p.method === 'MOBILE_MONEY' ? `MM-${rng.digits(10)}` : `RCPT-${seq}-${paymentRows.length + 1}`;
    paymentRows.push([
      ctx.id, rng.uuid(), invoiceId, patient.id, money(p.amount), 'USD', p.method, 'PAYMENT', reference, iso(receivedAt),
      p.method === 'CASH' ? ctx.frontDesk.id : ctx.billing.id, 'COMPLETED', iso(receivedAt), iso(receivedAt),
    ]);
  }
  return { paymentRows, lastPaymentAt };
}
