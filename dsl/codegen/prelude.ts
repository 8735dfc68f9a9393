import type { NumberingPlan } from '../e164.ts';
import { clockLibrary } from './lib-clock.ts';
import { regexLibrary } from './lib-regex.ts';
import { textLibrary } from './lib-text.ts';

/**
 * The runtime library of generated code: the hook clock (lib-clock.ts), the regex VM (lib-regex.ts)
 * and the text, number and address helpers (lib-text.ts). Generated programs embed the libraries' source text, so each is one
 * self-contained function; the same functions run in the host for tests and the benchmark.
 *
 * Every loop in them is bounded by the length of its input (a string or a list from the snapshot);
 * generated code itself has no loops, so a hook's run time is bounded by program size × input size.
 * The clock still cuts off a slow program: statements and regex positions tick it.
 */
export function prelude(plans: Record<string, NumberingPlan>) {
  const clock = clockLibrary();
  const rx = regexLibrary(clock.tick);
  return { ...clock, ...rx, ...textLibrary(plans, rx.rxTest as never) };
}

export type Prelude = ReturnType<typeof prelude>;

/** The library as JavaScript source: an expression that evaluates to the same object as prelude(). */
export function preludeSource(plans: Record<string, NumberingPlan>): string {
  return (
    `(() => { const clock = (${clockLibrary.toString()})(); const rx = (${regexLibrary.toString()})(clock.tick); ` +
    `return { ...clock, ...rx, ...(${textLibrary.toString()})(${JSON.stringify(plans)}, rx.rxTest) }; })()`
  );
}
