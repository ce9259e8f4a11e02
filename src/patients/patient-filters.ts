import type { PatientFilter } from '../generated/graphql.js';
import type { PatientListFilter } from './patient-repository.js';
import { searchQuery } from './patient-service.js';

/** `Query.patients(filter:)` as the repository's filter: a LIKE-escaped lower-case name prefix, a full-text query. */
export function patientListFilter(filter: PatientFilter | null | undefined): PatientListFilter {
  const name = filter?.name?.trim().toLowerCase() || null;
  return {
    statuses: filter?.status?.length ? filter.status : null,
    namePrefix: name ? name.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
    bornFrom: filter?.bornFrom ?? null,
    bornTo: filter?.bornTo ?? null,
    search: searchQuery(filter?.search),
  };
}
