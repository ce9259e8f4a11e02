import type { CapabilityStatement } from '@medplum/fhirtypes';

const READ_ONLY = [{ code: 'read' as const }];

/** `GET /fhir/R4/metadata`: what this server answers (read-only, JSON, bearer tokens). */
export function capabilityStatement(base: string, published: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: published,
    kind: 'instance',
    software: { name: 'health-graphql' },
    implementation: { description: 'Health records API: read-only FHIR R4 view of the patient record', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          description: 'Send the access token of the GraphQL login mutation as Authorization: Bearer <token>; roles and PHI masking as in GraphQL.',
        },
        resource: [
          {
            type: 'Patient',
            interaction: READ_ONLY,
            operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
          },
          {
            type: 'Observation',
            interaction: [{ code: 'search-type' }],
            searchParam: [
              { name: 'patient', type: 'reference' },
              { name: 'category', type: 'token' },
              { name: '_count', type: 'number' },
            ],
          },
          ...(['Encounter', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'ServiceRequest', 'DiagnosticReport'] as const).map((type) => ({
            type,
            documentation: 'Returned by Patient/$everything',
          })),
        ],
      },
    ],
  };
}
