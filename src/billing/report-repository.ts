import type { TransactionSql } from '../kernel/db/pool.js';

/**
 * Billing reports, aggregated entirely in SQL (numeric arithmetic, exact).
 * Days are counted in the organization's time zone: the range
 * [from 00:00, to + 1 day 00:00) local time.
 *
 * Billed amounts: lines of invoices issued in the range (DRAFT and VOID
 * excluded); a line's amount is line_total − tax_amount + discount, as priced.
 * Collected amounts: COMPLETED payments and refunds received in the range.
 */
export type RevenueGrouping = 'DAY' | 'WEEK' | 'MONTH' | 'SERVICE' | 'DEPARTMENT' | 'PAYMENT_METHOD';

export interface RevenueRowData {
  key: string;
  /** Catalog item or department name; null for periods, methods and `none`. */
  name: string | null;
  invoiceCount: number | null;
  billedSubtotal: string | null;
  billedDiscount: string | null;
  billedTax: string | null;
  billedTotal: string | null;
  paymentCount: number | null;
  paymentsReceived: string | null;
  refundsPaid: string | null;
  netCollected: string | null;
}

export interface RevenueTotalsData {
  invoiceCount: number;
  billedSubtotal: string;
  billedDiscount: string;
  billedTax: string;
  billedTotal: string;
  paymentCount: number;
  paymentsReceived: string;
  refundsPaid: string;
  netCollected: string;
}

export interface AgingRowData {
  bucket: string;
  invoiceCount: number;
  amount: string;
}

export async function revenueRows(
  tx: TransactionSql,
  organizationId: string,
  timezone: string,
  from: string,
  to: string,
  groupBy: RevenueGrouping,
): Promise<RevenueRowData[]> {
  const rows = await tx<{ key: string | null; name: string | null; invoiceCount: number; billedSubtotal: string | null; billedDiscount: string | null; billedTax: string | null; billedTotal: string | null; paymentCount: number; paymentsReceived: string | null; refundsPaid: string | null; netCollected: string | null }[]>`
    /* revenueRows */
    with bounds as (
      select (${from}::date::timestamp at time zone ${timezone}::text) as lo,
             ((${to}::date + 1)::timestamp at time zone ${timezone}::text) as hi
    ),
    billed as (
      select case ${groupBy}::text
               when 'DAY' then to_char(i.issued_at at time zone ${timezone}::text, 'YYYY-MM-DD')
               when 'WEEK' then to_char(date_trunc('week', i.issued_at at time zone ${timezone}::text), 'YYYY-MM-DD')
               when 'MONTH' then to_char(date_trunc('month', i.issued_at at time zone ${timezone}::text), 'YYYY-MM-DD')
               when 'SERVICE' then coalesce(l.service_catalog_item_id::text, 'none')
               else coalesce(s.department_id::text, 'none') end as key,
             min(case ${groupBy}::text when 'SERVICE' then s.code || ' — ' || s.name when 'DEPARTMENT' then d.name end) as name,
             count(distinct i.id)::int as invoice_count,
             sum(l.line_total - l.tax_amount + l.discount) as subtotal,
             sum(l.discount) as discount,
             sum(l.tax_amount) as tax,
             sum(l.line_total) as total
      from bounds b
      join invoices i on i.organization_id = ${organizationId}::uuid and i.deleted_at is null
        and i.status not in ('DRAFT', 'VOID') and i.issued_at >= b.lo and i.issued_at < b.hi
      join invoice_line_items l on l.organization_id = i.organization_id and l.invoice_id = i.id
      left join service_catalog s on s.organization_id = l.organization_id and s.id = l.service_catalog_item_id
      left join departments d on d.organization_id = s.organization_id and d.id = s.department_id
      where ${groupBy}::text <> 'PAYMENT_METHOD'
      group by 1
    ),
    collected as (
      select case ${groupBy}::text
               when 'DAY' then to_char(p.received_at at time zone ${timezone}::text, 'YYYY-MM-DD')
               when 'WEEK' then to_char(date_trunc('week', p.received_at at time zone ${timezone}::text), 'YYYY-MM-DD')
               when 'MONTH' then to_char(date_trunc('month', p.received_at at time zone ${timezone}::text), 'YYYY-MM-DD')
               else p.method end as key,
             count(*) filter (where p.kind = 'PAYMENT')::int as payment_count,
             coalesce(sum(p.amount) filter (where p.kind = 'PAYMENT'), 0) as received,
             coalesce(sum(p.amount) filter (where p.kind = 'REFUND'), 0) as refunded
      from bounds b
      join payments p on p.organization_id = ${organizationId}::uuid and p.deleted_at is null and p.status = 'COMPLETED'
        and p.received_at >= b.lo and p.received_at < b.hi
      where ${groupBy}::text in ('DAY', 'WEEK', 'MONTH', 'PAYMENT_METHOD')
      group by 1
    ),
    sides as (
      select ${groupBy}::text <> 'PAYMENT_METHOD' as billed_applies,
             ${groupBy}::text in ('DAY', 'WEEK', 'MONTH', 'PAYMENT_METHOD') as collected_applies
    )
    select coalesce(bl.key, c.key) as key,
           bl.name,
           (case when s.billed_applies then coalesce(bl.invoice_count, 0) end)::int as invoice_count,
           case when s.billed_applies then coalesce(bl.subtotal, 0)::numeric(20,2)::text end as billed_subtotal,
           case when s.billed_applies then coalesce(bl.discount, 0)::numeric(20,2)::text end as billed_discount,
           case when s.billed_applies then coalesce(bl.tax, 0)::numeric(20,2)::text end as billed_tax,
           case when s.billed_applies then coalesce(bl.total, 0)::numeric(20,2)::text end as billed_total,
           (case when s.collected_applies then coalesce(c.payment_count, 0) end)::int as payment_count,
           case when s.collected_applies then coalesce(c.received, 0)::numeric(20,2)::text end as payments_received,
           case when s.collected_applies then coalesce(c.refunded, 0)::numeric(20,2)::text end as refunds_paid,
           case when s.collected_applies then (coalesce(c.received, 0) - coalesce(c.refunded, 0))::numeric(20,2)::text end as net_collected
    from billed bl
    full join collected c on c.key = bl.key
    cross join sides s
    order by 1
  `;
  return rows.map((r) => ({ ...r, key: r.key! }));
}

export async function revenueTotals(
  tx: TransactionSql,
  organizationId: string,
  timezone: string,
  from: string,
  to: string,
): Promise<RevenueTotalsData> {
  const rows = await tx<{ invoiceCount: number | null; billedSubtotal: string; billedDiscount: string; billedTax: string | null; billedTotal: string; paymentCount: number | null; paymentsReceived: string | null; refundsPaid: string | null; netCollected: string | null }[]>`
    /* revenueTotals */
    with bounds as (
      select (${from}::date::timestamp at time zone ${timezone}::text) as lo,
             ((${to}::date + 1)::timestamp at time zone ${timezone}::text) as hi
    ),
    billed as (
      select count(distinct i.id)::int as invoice_count,
             coalesce(sum(l.line_total - l.tax_amount + l.discount), 0) as subtotal,
             coalesce(sum(l.discount), 0) as discount,
             coalesce(sum(l.tax_amount), 0) as tax,
             coalesce(sum(l.line_total), 0) as total
      from bounds b
      join invoices i on i.organization_id = ${organizationId}::uuid and i.deleted_at is null
        and i.status not in ('DRAFT', 'VOID') and i.issued_at >= b.lo and i.issued_at < b.hi
      join invoice_line_items l on l.organization_id = i.organization_id and l.invoice_id = i.id
    ),
    collected as (
      select count(*) filter (where p.kind = 'PAYMENT')::int as payment_count,
             coalesce(sum(p.amount) filter (where p.kind = 'PAYMENT'), 0) as received,
             coalesce(sum(p.amount) filter (where p.kind = 'REFUND'), 0) as refunded
      from bounds b
      join payments p on p.organization_id = ${organizationId}::uuid and p.deleted_at is null and p.status = 'COMPLETED'
        and p.received_at >= b.lo and p.received_at < b.hi
    )
    select bl.invoice_count, bl.subtotal::numeric(20,2)::text as billed_subtotal,
           bl.discount::numeric(20,2)::text as billed_discount, bl.tax::numeric(20,2)::text as billed_tax,
           bl.total::numeric(20,2)::text as billed_total, c.payment_count,
           c.received::numeric(20,2)::text as payments_received, c.refunded::numeric(20,2)::text as refunds_paid,
           (c.received - c.refunded)::numeric(20,2)::text as net_collected
    from billed bl cross join collected c
  `;
  const r = rows[0]!;
  return {
    invoiceCount: r.invoiceCount ?? 0,
    billedSubtotal: r.billedSubtotal ?? '0.00',
    billedDiscount: r.billedDiscount ?? '0.00',
    billedTax: r.billedTax ?? '0.00',
    billedTotal: r.billedTotal ?? '0.00',
    paymentCount: r.paymentCount ?? 0,
    paymentsReceived: r.paymentsReceived ?? '0.00',
    refundsPaid: r.refundsPaid ?? '0.00',
    netCollected: r.netCollected ?? '0.00',
  };
}

/**
 * Collectible invoices (invoice-accounting I7, SQL invoice_is_collectible), issued on or
 * before `asOf`, bucketed by days from the due date (the issue day when there
 * is none) to `asOf`: ≤ 30 (not yet due included), 31–60, 61–90, > 90.
 * The grand total comes back as the row with bucket `TOTAL`.
 */
export async function agingRows(tx: TransactionSql, organizationId: string, timezone: string, asOf: string): Promise<AgingRowData[]> {
  const rows = await tx<{ bucket: string; invoiceCount: number; amount: string }[]>`
    /* agingRows */
    with open as (
      select i.balance_due,
             ${asOf}::date - coalesce(i.due_date, (i.issued_at at time zone ${timezone}::text)::date) as days
      from invoices i
      where i.organization_id = ${organizationId}::uuid and i.deleted_at is null
        and invoice_is_collectible(i.status) and i.balance_due > 0
        and (i.issued_at at time zone ${timezone}::text)::date <= ${asOf}::date
    )
    , bucketed as (
      select case when days <= 30 then 'DAYS_0_30' when days <= 60 then 'DAYS_31_60'
                  when days <= 90 then 'DAYS_61_90' else 'DAYS_OVER_90' end as bucket,
             balance_due
      from open
    )
    select coalesce(bucket, 'TOTAL')::text as bucket, count(*)::int as invoice_count,
           coalesce(sum(balance_due), 0)::numeric(20,2)::text as amount
    from bucketed
    group by grouping sets ((bucket), ())
  `;
  return rows.map((r) => ({ bucket: r.bucket!, invoiceCount: r.invoiceCount ?? 0, amount: r.amount ?? '0.00' }));
}

/** The currency the organization bills in (its catalog's), USD when it has none yet. */
export async function billingCurrency(tx: TransactionSql, organizationId: string): Promise<string> {
  const rows = await tx<{ currency: string }[]>`
    /* billingCurrency */
    select coalesce((select currency from service_catalog where organization_id = ${organizationId}::uuid limit 1)::text,
                    (select currency from invoices where organization_id = ${organizationId}::uuid limit 1)::text,
                    'USD') as currency
  `;
  return rows[0]?.currency ?? 'USD';
}
