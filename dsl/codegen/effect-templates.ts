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

export type ExpandResult = { ok: true; effects: Record<string, unknown>[] } | { ok: false; message: string };

/**
 * The effects of an `e` list, as plain objects to check. Refuses a list longer than `max` effects,
 * an index out of range, a missing computed value and entries that are neither index nor object.
 */
export function expandEffects(templates: readonly EffectTemplate[], e: unknown, max: number): ExpandResult {
  if (!Array.isArray(e)) return { ok: false, message: 'effects missing' };
  // Each effect takes one or two entries; a longer list cannot hold max effects or fewer.
  if (e.length > 2 * max) return { ok: false, message: `more than ${max} effects` };
  const effects: Record<string, unknown>[] = [];
  for (let i = 0; i < e.length; i++) {
    const entry: unknown = e[i];
    if (effects.length >= max) return { ok: false, message: `more than ${max} effects` };
    if (typeof entry === 'number') {
      const t = Number.isInteger(entry) && entry >= 0 ? templates[entry] : undefined;
      if (t === undefined) return { ok: false, message: 'unknown effect template' };
      if (t.computed === undefined) effects.push(t.fixed);
      else {
        if (i + 1 >= e.length) return { ok: false, message: 'effect value missing' };
        effects.push({ ...t.fixed, [t.computed]: e[++i] });
      }
    } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
      effects.push(entry as Record<string, unknown>);
    else return { ok: false, message: 'effect is not an object' };
  }
  return { ok: true, effects };
}
