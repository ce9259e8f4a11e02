import type { TransactionSql } from '../kernel/db/pool.js';
import type { ChildRows } from '../kernel/pagination.js';

/** One row of `invoice_adjustments`: a write-off or credit note taking part of an invoice's balance out of receivables. */
export interface InvoiceAdjustmentRow {
  id: string;
  organizationId: string;
  invoiceId: string;
  patientId: string;
  kind: string;
  amount: string;
  currency: string;
  reason: string;
  createdBy: string;
  createdAt: Date;
}

export async function adjustmentsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<InvoiceAdjustmentRow[]> {
  return tx<InvoiceAdjustmentRow[]>`
    /* adjustmentsByIds */
    select id, organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by, created_at
    from invoice_adjustments
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

/** Adjustments of many invoices, oldest first per invoice, at most `limit` each. */
export async function adjustmentsByInvoiceIds(
  tx: TransactionSql,
  organizationId: string,
  invoiceIds: readonly string[],
  limit: number | null,
): Promise<InvoiceAdjustmentRow[]> {
  return tx<ChildRows<InvoiceAdjustmentRow, 'invoiceId'>>`
    /* adjustmentsByInvoiceIds */
    select r.* from unnest(${invoiceIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by, created_at
      from invoice_adjustments
      where organization_id = ${organizationId}::uuid and invoice_id = parent.id
      order by created_at, id
      limit ${limit}::int
    ) r
    order by r.created_at, r.id
  `;
}

export interface NewAdjustment {
  invoiceId: string;
  patientId: string;
  kind: 'WRITE_OFF' | 'CREDIT_NOTE';
  amount: string;
  currency: string;
  reason: string;
  createdBy: string;
}

export async function insertAdjustment(tx: TransactionSql, organizationId: string, a: NewAdjustment): Promise<InvoiceAdjustmentRow> {
  const rows = await tx<InvoiceAdjustmentRow[]>`
    /* insertAdjustment */
    insert into invoice_adjustments (organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by)
    values (${organizationId}::uuid, ${a.invoiceId}::uuid, ${a.patientId}::uuid, ${a.kind}, ${a.amount}::numeric, ${a.currency},
            ${a.reason}, ${a.createdBy}::uuid)
    returning id, organization_id, invoice_id, patient_id, kind, amount, currency, reason, created_by, created_at
  `;
  return rows[0]!;
}
