/** The members of every group, as one object type (`{ a } | { b }` → `{ a } & { b }`). */
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Builders of member groups from one scope, by group name (each domain's loaders). */
export type GroupBuilders<S> = Record<string, (scope: S) => object>;

export type GroupMembers<B extends GroupBuilders<never>> = Intersection<{ [G in keyof B]: ReturnType<B[G]> }[keyof B]>;

/**
 * An object whose members come in groups built on first use. A request's
 * loaders are ~100 DataLoaders over seven domains, and most requests touch one
 * or two domains: building them all eagerly was most of a trivial request's CPU
 * (and of its garbage). Reading any member builds that member's whole
 * group, once, with the scope given (members of a group may close over each
 * other); later reads are a getter and a property read of the built group.
 *
 * Which group holds which member is learned here, once, by building each group
 * with `probe` (a scope that reads nothing); a member name in two groups throws.
 */
export function lazyGroups<S, B extends GroupBuilders<S>>(builders: B, probe: S): (scope: S) => GroupMembers<B> {
  const builds = Object.values(builders);
  // Symbols, so no member name can collide with the object's own two fields.
  const scopeKey: unique symbol = Symbol('scope');
  const groupsKey: unique symbol = Symbol('groups');
  class Members {
    readonly [scopeKey]: S;
    /** Each group once built, by its index in `builds`. */
    readonly [groupsKey]: (Record<string, unknown> | undefined)[];
    constructor(scope: S) {
      this[scopeKey] = scope;
      this[groupsKey] = builds.map(() => undefined);
    }
  }
  const groupOf = new Map<string, string>();
  Object.entries(builders).forEach(([group, build], index) => {
    for (const member of Object.keys(build(probe))) {
      const other = groupOf.get(member);
      if (other !== undefined) throw new Error(`member ${member} is built by both ${other} and ${group}`);
      groupOf.set(member, group);
      // A getter on the shared prototype, not properties added to each object: every request's loaders keep
      // one shape, so the resolvers' property reads stay monomorphic.
      Object.defineProperty(Members.prototype, member, {
        get(this: Members) {
          return (this[groupsKey][index] ??= build(this[scopeKey]) as Record<string, unknown>)[member];
        },
      });
    }
  });
  Object.freeze(Members.prototype);
  return (scope) => new Members(scope) as unknown as GroupMembers<B>;
}
