import { describe, expect, it } from 'vitest';
import { fromGlobalId, isUuid, optionalUuidFromId, toGlobalId, uuidFromId } from './global-id.js';

const UUID = '6f1c2a4e-0c4b-4d7e-9a43-2f0f0c1d2e3f';
const refusedOn = (field: string, message?: string) =>
  expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field }, ...(message ? { message } : {}) });

describe('isUuid', () => {
  it('accepts the 8-4-4-4-12 hex form in either case only', () => {
    expect(isUuid(UUID)).toBe(true);
    expect(isUuid(UUID.toUpperCase())).toBe(true);
    expect(isUuid(UUID.replace(/-/g, ''))).toBe(false);
    expect(isUuid(`{${UUID}}`)).toBe(false);
    expect(isUuid(`${UUID} `)).toBe(false);
    expect(isUuid(UUID.replace('6', 'g'))).toBe(false);
  });
});

describe('global IDs', () => {
  it('are base64url of Type:uuid and round-trip', () => {
    const id = toGlobalId('Patient', UUID);
    expect(id).toBe(Buffer.from(`Patient:${UUID}`).toString('base64url'));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromGlobalId(id)).toEqual({ type: 'Patient', uuid: UUID });
  });

  it('read the uuid in lower case', () => {
    expect(fromGlobalId(toGlobalId('Invoice', UUID.toUpperCase()))).toEqual({ type: 'Invoice', uuid: UUID });
  });

  it.each([
    ['no separator', Buffer.from(`Patient${UUID}`).toString('base64url')],
    ['an empty type', Buffer.from(`:${UUID}`).toString('base64url')],
    ['a type with digits', Buffer.from(`Patient2:${UUID}`).toString('base64url')],
    ['a type with a space', Buffer.from(`Lab Test:${UUID}`).toString('base64url')],
    ['a number instead of a uuid', Buffer.from('Patient:42').toString('base64url')],
    ['a uuid with a trailing part', Buffer.from(`Patient:${UUID}:x`).toString('base64url')],
    ['plain text', 'hello'],
    ['empty text', ''],
  ])('are refused with %s', (_what, id) => {
    expect(fromGlobalId(id)).toBeNull();
  });
});

describe('uuidFromId', () => {
  it('accepts a raw UUID (lower-cased) or a global ID of the type', () => {
    expect(uuidFromId(UUID.toUpperCase(), 'Patient')).toBe(UUID);
    expect(uuidFromId(toGlobalId('Patient', UUID), 'Patient')).toBe(UUID);
  });

  it('refuses a global ID of another type, naming the argument and the type', () => {
    expect(() => uuidFromId(toGlobalId('Invoice', UUID), 'Patient', 'patientId')).toThrow(
      refusedOn('patientId', 'patientId must be a Patient ID (a global ID or a UUID)'),
    );
  });

  it('refuses anything else', () => {
    expect(() => uuidFromId('not-an-id', 'Patient')).toThrow(refusedOn('id'));
    expect(() => uuidFromId('', 'Patient')).toThrow(refusedOn('id'));
    expect(() => uuidFromId(`Patient:${UUID}`, 'Patient')).toThrow(refusedOn('id'));
  });

  it('optionalUuidFromId keeps absence as null', () => {
    expect(optionalUuidFromId(null, 'Patient', 'patientId')).toBeNull();
    expect(optionalUuidFromId(undefined, 'Patient', 'patientId')).toBeNull();
    expect(optionalUuidFromId('', 'Patient', 'patientId')).toBeNull();
    expect(optionalUuidFromId(toGlobalId('Patient', UUID), 'Patient', 'patientId')).toBe(UUID);
    expect(() => optionalUuidFromId('x', 'Patient', 'patientId')).toThrow(refusedOn('patientId'));
  });
});
