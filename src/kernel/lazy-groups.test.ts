import { describe, expect, it } from 'vitest';
import { lazyGroups } from './lazy-groups.js';

interface Scope {
  name: string;
  builds: string[];
}

/** Two groups whose members close over the scope and over each other, recording each build. */
function groups() {
  return {
    people: (scope: Scope) => {
      scope.builds.push('people');
      const byId = { scope: scope.name };
      return { personById: byId, personAgain: () => byId };
    },
    places: (scope: Scope) => {
      scope.builds.push('places');
      return { placeById: { scope: scope.name } };
    },
  };
}

describe('lazyGroups', () => {
  it('builds a group only when one of its members is read, once, with the scope given', () => {
    const probe: Scope = { name: 'probe', builds: [] };
    const membersOf = lazyGroups(groups(), probe);
    expect(probe.builds).toEqual(['people', 'places']);

    const scope: Scope = { name: 'request', builds: [] };
    const members = membersOf(scope);
    expect(scope.builds).toEqual([]);

    const person = members.personById;
    expect(person).toEqual({ scope: 'request' });
    expect(members.personById).toBe(person);
    // Members of one group share one build: a member's closure sees its siblings.
    expect(members.personAgain()).toBe(person);
    expect(scope.builds).toEqual(['people']);

    expect(members.placeById).toEqual({ scope: 'request' });
    expect(scope.builds).toEqual(['people', 'places']);
  });

  it('keeps each scope’s members apart', () => {
    const membersOf = lazyGroups(groups(), { name: 'probe', builds: [] });
    const a = membersOf({ name: 'a', builds: [] });
    const b = membersOf({ name: 'b', builds: [] });
    expect(a.personById).toEqual({ scope: 'a' });
    expect(b.personById).toEqual({ scope: 'b' });
    expect(a.personById).not.toBe(b.personById);
  });

  it('serves members named like its own fields', () => {
    const membersOf = lazyGroups({ own: (n: number) => ({ scope: n, groups: n + 1 }) }, 0);
    const members = membersOf(41);
    expect([members.scope, members.groups]).toEqual([41, 42]);
  });

  it('refuses a member name built by two groups', () => {
    const twice = { one: () => ({ shared: 1 }), two: () => ({ shared: 2 }) };
    expect(() => lazyGroups(twice, null)).toThrow('member shared is built by both one and two');
  });
});
