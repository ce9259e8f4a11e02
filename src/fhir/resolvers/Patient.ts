import { requireViewer } from '../../context.js';
import type { PatientResolvers } from '../../generated/graphql.js';
import { mapContextOf } from '../everything.js';
import { patientResource } from '../map/patient.js';

export const Patient: PatientResolvers = {
  // schema/fhir/fhir.graphql: the row already loaded, no statement of its own.
  fhir: (p, _args, ctx) => patientResource(p, mapContextOf(requireViewer(ctx))) as unknown as Record<string, unknown>,
};
