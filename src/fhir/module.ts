import type { DomainModule } from '../kernel/domain-module.js';
import { Patient } from './resolvers/Patient.js';
import { patientEverything } from './resolvers/Query/patientEverything.js';

/** FHIR R4: the patient record as FHIR resources (GraphQL fields here; the REST API in ./rest.ts). */
export const fhirModule: DomainModule = {
  resolvers: {
    Query: { patientEverything },
    Patient,
  },
};
