/**
 * A name → definition table without Object.prototype behind it, so that a
 * rule author's name such as `constructor` or `toString` finds nothing
 * instead of a JavaScript built-in (test/dsl/prototype-names.test.ts).
 */
export function lookupTable<T extends object>(entries: T): T {
  return Object.assign(Object.create(null) as T, entries);
}
