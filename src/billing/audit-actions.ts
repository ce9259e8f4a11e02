/** The audit actions of the billing domain. */
export const BILLING_AUDIT_ACTIONS = [
  'service_catalog.create',
  'service_catalog.update',
  'service_catalog.deactivate',
  'invoice.create',
  'invoice.add_line',
  'invoice.remove_line',
  'invoice.issue',
  'invoice.void',
  'invoice.adjust',
  'payment.record',
  'payment.refund',
] as const;
