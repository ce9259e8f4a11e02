import type { TenantContext } from '../context.js';
import { atVersion } from '../kernel/concurrency.js';
import { notFound } from '../kernel/errors.js';
import { afterWrite } from '../kernel/loaders.js';
import { requiredText } from '../kernel/validation.js';
import * as adjustments from './adjustment-repository.js';
import { adjust, ledgerColumns, ledgerOf } from './invoice-accounting.js';
import * as invoices from './invoice-repository.js';
import { formatMoney, money } from './money.js';

export interface AdjustmentResult {
  adjustment: adjustments.InvoiceAdjustmentRow;
  invoice: invoices.InvoiceRow;
}

/**
 * Writes off or credits part or all of an invoice's balance due (accounting
 * invariant I5): the adjustment row, the invoice's new amounts and status and
 * the audit row commit together. Permission billing:adjust is checked by the
 * field's `@requires`.
 */
export async function adjustInvoice(
  ctx: TenantContext,
  input: { invoiceId: string; version?: number | null; kind: 'WRITE_OFF' | 'CREDIT_NOTE'; amount: string; reason: string },
): Promise<AdjustmentResult> {
  const amount = money(input.amount, 'amount');
  const reason = requiredText(input.reason, 'reason', 1000);
  const write = ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const locked = await invoices.lockInvoice(tx, org, input.invoiceId);
    if (!locked) throw notFound('Invoice', input.invoiceId);
    const invoice = input.version === null || input.version === undefined ? locked : atVersion(locked, input.version, 'Invoice', input.invoiceId);
    const next = adjust(ledgerOf(invoice), amount);
    const adjustment = await adjustments.insertAdjustment(tx, org, {
      invoiceId: invoice.id,
      patientId: invoice.patientId,
      kind: input.kind,
      amount: formatMoney(amount),
      currency: invoice.currency,
      reason,
      createdBy: ctx.viewer.userId,
    });
    const after = await invoices.updateInvoiceRow(tx, { ...invoice, ...ledgerColumns(next) });
    audit({
      action: 'invoice.adjust',
      entityType: 'invoice',
      entityId: invoice.id,
      before: { balanceDue: invoice.balanceDue, status: invoice.status },
      after: { adjustment, balanceDue: after.balanceDue, status: after.status },
    });
    return { adjustment, invoice: after };
  });
  return afterWrite(write, (r) => ctx.loaders.billingWritten({ invoices: [r.invoice] }));
}
