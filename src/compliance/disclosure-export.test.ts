import { describe, expect, it } from 'vitest';
import { disclosureFile, type DisclosureEntry } from './disclosure-export.js';

const PATIENT = '6f1c2a4e-0d5b-4c3e-9a7f-2b8d1e0c4f56';
const range = { from: new Date('2020-12-03T00:00:00Z'), to: new Date('2026-12-03T00:00:00Z') };
const entry = (over: Partial<DisclosureEntry>): DisclosureEntry => ({
  occurredAt: '2026-12-01T10:00:00.123456Z',
  kind: 'READ',
  actorId: '11111111-1111-4111-8111-111111111111',
  actorName: 'Grace Chen, RN',
  operationName: 'PatientChart',
  action: null,
  entityType: null,
  entityId: null,
  outcome: null,
  requestId: 'req-00000001',
  ...over,
});

describe('disclosureFile', () => {
  it('writes RFC 4180 CSV with a header row, quoting what needs it', () => {
    const file = disclosureFile(PATIENT, range, [entry({}), entry({ kind: 'CHANGE', operationName: null, action: 'patient.update', entityType: 'patient', entityId: PATIENT, outcome: 'SUCCESS' })], 'CSV');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.filename).toBe(`disclosures-${PATIENT}-2020-12-03-2026-12-03.csv`);
    expect(file.rowCount).toBe(2);
    expect(file.content.split('\r\n')).toEqual([
      'occurred_at,kind,actor_id,actor_name,operation_name,action,entity_type,entity_id,outcome,request_id',
      '2026-12-01T10:00:00.123456Z,READ,11111111-1111-4111-8111-111111111111,"Grace Chen, RN",PatientChart,,,,,req-00000001',
      `2026-12-01T10:00:00.123456Z,CHANGE,11111111-1111-4111-8111-111111111111,"Grace Chen, RN",,patient.update,patient,${PATIENT},SUCCESS,req-00000001`,
      '',
    ]);
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const file = disclosureFile(PATIENT, range, [entry({ operationName: '=HYPERLINK("x")', actorName: '@admin' })], 'CSV');
    expect(file.content.split('\r\n')[1]).toContain(`'@admin,"'=HYPERLINK(""x"")"`);
  });

  it('writes JSON holding the range and the entries as given', () => {
    const entries = [entry({})];
    const file = disclosureFile(PATIENT, range, entries, 'JSON');
    expect(file.contentType).toBe('application/json');
    expect(file.filename.endsWith('.json')).toBe(true);
    expect(JSON.parse(file.content)).toEqual({ patientId: PATIENT, from: '2020-12-03T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z', entries });
  });

  it('writes a header alone when there is nothing to account for', () => {
    expect(disclosureFile(PATIENT, range, [], 'CSV').content).toBe(
      'occurred_at,kind,actor_id,actor_name,operation_name,action,entity_type,entity_id,outcome,request_id\r\n',
    );
  });
});
