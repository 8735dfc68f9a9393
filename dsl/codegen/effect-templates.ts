/**
 * How a generated program hands back its effects. Most of an effect is known when the rule set is
 * compiled (its kind, header name, field path, media policy, rule location); only one value at most
 * is computed during the call. The generator keeps the known part as a template in CompiledRules,
 * and the program's effect list `e` holds only template indexes, each followed by the computed value
 * when its template has one:
 *
 *   e: [3, "+14085551212", 4, 7, "X-Zoom-Site"]   → template 3 with value, template 4, template 7 with value
 *
 * so a call builds no effect objects in the isolate and its result text is a fraction of the size
 * (docs/runtime.md "Performance"). An entry may also be an effect written out in full, as an object
 * (what a program without templates returns). The host expands both (expandEffects) and checks every
 * effect the same way (src/runtime/validate-output.ts): a template is compiler data, but the index
 * and the values come from the isolate and are untrusted.
 */
export interface EffectTemplate {
  /** The effect's known fields, `at` as a location index. */
  fixed: Record<string, unknown>;
  /** The field the program computes (`value`, `name`, `values`, `message`, `reason`), if any. */
  computed?: string;
}

export type ExpandResult<T = Record<string, unknown>> =
  { ok: true; effects: T[] } | { ok: false; message: string };

/**
 * One effect of the list: template `index`'s fixed part with its computed value under `key`, or a
 * whole effect (`index` undefined).
 */
export type MakeEffect<T> = (
  fixed: Record<string, unknown>,
  key?: string,
  value?: unknown,
  index?: number,
) => T;

const merge: MakeEffect<Record<string, unknown>> = (fixed, key, value) =>
  key === undefined ? fixed : { ...fixed, [key]: value };

/**
 * The effects of an `e` list, made by `make` (by default, plain objects). Refuses a list longer than
 * `max` effects, an index out of range, a missing computed value and entries that are neither index
 * nor object.
 */
export function expandEffects<T = Record<string, unknown>>(
  templates: readonly EffectTemplate[],
  e: unknown,
  max: number,
  make: MakeEffect<T> = merge as MakeEffect<T>,
): ExpandResult<T> {
  if (!Array.isArray(e)) return { ok: false, message: 'effects missing' };
  // Each effect takes one or two entries; a longer list cannot hold max effects or fewer.
  if (e.length > 2 * max) return { ok: false, message: `more than ${max} effects` };
  const effects: T[] = [];
  for (let i = 0; i < e.length; i++) {
    const entry: unknown = e[i];
    if (effects.length >= max) return { ok: false, message: `more than ${max} effects` };
    if (typeof entry === 'number') {
      const t = Number.isInteger(entry) && entry >= 0 ? templates[entry] : undefined;
      if (t === undefined) return { ok: false, message: 'unknown effect template' };
      if (t.computed === undefined) effects.push(make(t.fixed, undefined, undefined, entry));
      else {
        if (i + 1 >= e.length) return { ok: false, message: 'effect value missing' };
        effects.push(make(t.fixed, t.computed, e[++i], entry));
      }
    } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
      effects.push(make(entry as Record<string, unknown>));
    else return { ok: false, message: 'effect is not an object' };
  }
  return { ok: true, effects };
}
