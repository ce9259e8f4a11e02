import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkStorableInput, isStorable, unstorableInputError } from './storable-input.js';

describe('isStorable', () => {
  it.each([
    ['plain text', 'Ada Lovelace', true],
    ['an emoji (a surrogate pair)', 'fine 😀', true],
    ['non-Latin text', 'Ωμέγα 東京', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud83d', false],
    ['a lone low surrogate', '\ude00b', false],
    ['a pair in the wrong order', '\ude00\ud83d', false],
  ])('%s → %s', (_what, text, storable) => {
    expect(isStorable(text)).toBe(storable);
  });
});

describe('unstorableInputError', () => {
  it('is a BAD_USER_INPUT naming the path, answered with HTTP 400', () => {
    const error = unstorableInputError('input.note');
    expect(error.message).toMatch(/^input\.note contains a character that cannot be stored/);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.note', http: { status: 400 } });
  });
});

const schema = buildSchema(`
  scalar JSON
  input NoteInput { text: String, tags: [String!], data: JSON }
  type Note { id: ID! }
  type Query { search(text: String): [Note!]! }
  type Mutation {
    addNote(input: NoteInput!): Note
    rename(id: ID!, name: String!): Note
  }
`);

function check(source: string, variables?: Record<string, unknown>) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return checkStorableInput(schema, document, operation, variables);
}

const fieldOf = (source: string, variables?: Record<string, unknown>) => check(source, variables)?.extensions.field ?? null;

describe('checkStorableInput', () => {
  const addNote = 'mutation ($input: NoteInput!) { addNote(input: $input) { id } }';

  it('lets storable input through', () => {
    expect(check(addNote, { input: { text: 'fine 😀', tags: ['a'], data: { k: ['v'] } } })).toBeNull();
    expect(check('{ search(text: "plain") { id } }')).toBeNull();
    expect(check('{ search(text: "\\u0041 escaped") { id } }')).toBeNull();
  });

  it('names the path of a bad variable value: nested input, list item, JSON value', () => {
    expect(fieldOf(addNote, { input: { text: 'a\u0000b' } })).toBe('input.text');
    expect(fieldOf(addNote, { input: { tags: ['ok', 'bad\ud800'] } })).toBe('input.tags.1');
    expect(fieldOf(addNote, { input: { data: { outer: { list: [1, 'x\u0000'] } } } })).toBe('input.data.outer.list.1');
  });

  it('names a bad JSON key with the character masked', () => {
    expect(fieldOf(addNote, { input: { data: { 'a\u0000b': 1 } } })).toBe('input.data.a?b');
  });

  it('finds a literal spelled with a \\u escape, in the operation and in fragments', () => {
    expect(fieldOf('mutation { rename(id: "1", name: "x\\u0000") { id } }')).toBe('name');
    expect(fieldOf('mutation { ...F } fragment F on Mutation { addNote(input: { tags: ["ok", "\\u0000"] }) { id } }')).toBe('input.tags.1');
  });

  it('reports the first bad argument only', () => {
    const error = check('mutation ($a: String!, $b: String!) { rename(id: $a, name: $b) { id } }', { a: '\u0000', b: '\u0000' });
    expect(error?.extensions.field).toBe('id');
  });

  it('leaves variables that do not coerce to execution, which reports them itself', () => {
    expect(check(addNote, { input: { text: 5, tags: 'x\u0000' } })).toBeNull();
    expect(check(addNote, {})).toBeNull();
  });
});
