/**
 * The hook time limit, kept by the program itself (docs/runtime.md "Limits"). Rule programs have no
 * loops of their own, so a hook's work is bounded by program size × input size; what the limit must
 * still catch is a legal but slow program (thousands of statements, a large regex over a long header).
 * Generated code ticks once per statement and the regex VM once per input position; every 64th tick
 * reads the clock. This costs a counter per step instead of isolated-vm's per-call timer thread,
 * which cost about 30 µs at p99 on every call (bench/rules.ts). Once over time, every tick throws,
 * so a library that caught the first error cannot carry on.
 *
 * Embedded in generated programs by source text (see prelude.ts): self-contained, built-ins only.
 */
export function clockLibrary() {
  const CHECK_EVERY = 64;
  let count = 0;
  let every = CHECK_EVERY;
  let deadline = Infinity;
  let over = false;
  let budgetMs = 0;

  /** Starts one call's budget; 0 or a missing budget means no limit (tools and measurements). */
  function startClock(ms: unknown) {
    budgetMs = typeof ms === 'number' && ms > 0 ? ms : 0;
    deadline = budgetMs > 0 ? Date.now() + budgetMs : Infinity;
    over = false;
    every = CHECK_EVERY;
    count = 0;
  }

  function tick() {
    if (++count < every) return;
    count = 0;
    if (over || Date.now() > deadline) {
      over = true;
      every = 1;
      throw new Error(`hook time limit of ${budgetMs} ms exceeded`);
    }
  }

  const overTime = () => over;

  return { startClock, tick, overTime };
}
