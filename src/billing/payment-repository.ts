import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { ChildRows } from '../kernel/pagination.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { lockedRow } from '../kernel/row-lock.js';

/** One row of `payments`: a PAYMENT or a REFUND; amounts are exact numeric text. */
export interface PaymentRow extends RowStamps {
  id: string;
  organizationId: string;
  invoiceId: string;
  patientId: string;
  amount: string;
  currency: string;
  method: string;
  kind: string;
  refundOfPaymentId: string | null;
  refundedAmount: string;
  reference: string | null;
  idempotencyKey: string | null;
  receivedAt: Date;
  receivedBy: string | null;
  reason: string | null;
  status: string;
}

export function paymentsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): PendingQuery<PaymentRow[]> {
  return tx<PaymentRow[]>`
    /* paymentsByIds */
    select id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
           reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
    from payments
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[]) and deleted_at is null
  `;
}

/** Payments and refunds of many invoices, oldest first per invoice. */
export async function paymentsByInvoiceIds(tx: TransactionSql, organizationId: string, invoiceIds: readonly string[], limit: number | null): Promise<PaymentRow[]> {
  return tx<PaymentRow[]>`
    /* paymentsByInvoiceIds */
    select r.* from unnest(${invoiceIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
             reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
      from payments
      where organization_id = ${organizationId}::uuid and invoice_id = parent.id and deleted_at is null
      order by received_at, id
      limit ${limit}::int
    ) r
    order by r.received_at, r.id
  `;
}

/** Refunds of many payments, oldest first per payment. */
export async function refundsByPaymentIds(tx: TransactionSql, organizationId: string, paymentIds: readonly string[], limit: number | null): Promise<PaymentRow[]> {
  return tx<ChildRows<PaymentRow, 'refundOfPaymentId'>>`
    /* refundsByPaymentIds */
    select r.* from unnest(${paymentIds as string[]}::uuid[]) as parent(id)
    cross join lateral (
      select id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
             reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
      from payments
      where organization_id = ${organizationId}::uuid and refund_of_payment_id = parent.id
        and deleted_at is null
      order by received_at, id
      limit ${limit}::int
    ) r
    order by r.received_at, r.id
  `;
}

/** The payment or refund recorded under an idempotency key, if any. */
export async function paymentByIdempotencyKey(tx: TransactionSql, organizationId: string, key: string): Promise<PaymentRow | null> {
  const rows = await tx<{ id: string; organizationId: string; invoiceId: string; patientId: string; amount: string; currency: string; method: string; kind: string; refundOfPaymentId: string | null; refundedAmount: string; reference: string | null; idempotencyKey: string; receivedAt: Date; receivedBy: string | null; reason: string | null; status: string; createdAt: Date; updatedAt: Date; version: number }[]>`
    /* paymentByIdempotencyKey */
    select id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
           reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
    from payments
    where organization_id = ${organizationId}::uuid and idempotency_key = ${key}
  `;
  return rows[0] ?? null;
}

/** The invoice a payment belongs to (to lock the invoice before the payment). */
export async function invoiceIdOfPayment(tx: TransactionSql, organizationId: string, paymentId: string): Promise<string | null> {
  const rows = await tx<{ invoiceId: string }[]>`
    /* invoiceIdOfPayment */
    select invoice_id from payments
    where organization_id = ${organizationId}::uuid and id = ${paymentId}::uuid and deleted_at is null
  `;
  return rows[0]?.invoiceId ?? null;
}

export function lockPayment(tx: TransactionSql, organizationId: string, id: string): Promise<PaymentRow | null> {
  return lockedRow(tx, 'lockPayment', paymentsByIds(tx, organizationId, [id]));
}

export interface NewPayment {
  invoiceId: string;
  patientId: string;
  amount: string;
  currency: string;
  method: string;
  kind: 'PAYMENT' | 'REFUND';
  refundOfPaymentId: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  receivedBy: string;
  reason: string | null;
}

export async function insertPayment(tx: TransactionSql, organizationId: string, p: NewPayment): Promise<PaymentRow> {
  const rows = await tx<PaymentRow[]>`
    /* insertPayment */
    insert into payments (organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id,
                          reference, idempotency_key, received_by, reason)
    values (${organizationId}::uuid, ${p.invoiceId}::uuid, ${p.patientId}::uuid, ${p.amount}::numeric, ${p.currency},
            ${p.method}, ${p.kind}, ${p.refundOfPaymentId}::uuid, ${p.reference}, ${p.idempotencyKey},
            ${p.receivedBy}::uuid, ${p.reason})
    returning id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
              reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** Sets how much of a locked payment has been refunded. */
export async function updateRefundedAmount(tx: TransactionSql, p: PaymentRow, refundedAmount: string): Promise<PaymentRow> {
  const rows = await tx<PaymentRow[]>`
    /* updateRefundedAmount */
    update payments set refunded_amount = ${refundedAmount}::numeric, version = version + 1
    where organization_id = ${p.organizationId}::uuid and id = ${p.id}::uuid and version = ${p.version}::int
    returning id, organization_id, invoice_id, patient_id, amount, currency, method, kind, refund_of_payment_id, refunded_amount,
              reference, idempotency_key, received_at, received_by, reason, status, created_at, updated_at, version
  `;
  return rows[0]!;
}
