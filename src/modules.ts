import { billingModule } from './billing/module.js';
import { complianceModule } from './compliance/module.js';
import { fhirModule } from './fhir/module.js';
import { identityModule } from './identity/module.js';
import type { DomainModule } from './kernel/domain-module.js';
import { patientsModule } from './patients/module.js';
import { schedulingModule } from './scheduling/module.js';
import { workflowsModule } from './workflows/module.js';

/** The domains served, in schema order. Add a module here and its SDL under schema/. */
export const modules: DomainModule[] = [
  identityModule,
  patientsModule,
  billingModule,
  schedulingModule,
  workflowsModule,
  complianceModule,
  fhirModule,
];
