/**
 * Limits of the rules runtime (docs/runtime.md "Limits"). Every hook call runs under them; a rule
 * that exceeds one is cut off and the call gets the fallback.
 */
export interface RuntimeLimits {
  /** Heap limit of each rule-set isolate, in MiB (isolated-vm's minimum is 8). */
  memoryMb: number;
  /**
   * Wall-clock limit of one hook call, in milliseconds, kept by the compiled program itself: it
   * checks the clock as it runs (dsl/codegen/lib-clock.ts) and stops with a 'timeout' error. 0: none.
   */
  hookTimeoutMs: number;
  /**
   * The watchdog's limit, in milliseconds (0: none): a call still running this long is terminated
   * from another thread and its isolate replaced (watchdog.ts). It catches code that does not keep
   * `hookTimeoutMs` itself, which compiled rules always do; so it is set well above that limit.
   */
  watchdogMs: number;
  /** Largest result a hook may return (JSON characters) before it counts as nonsense. */
  maxResultChars: number;
  /** Most effects one hook call may produce. */
  maxEffects: number;
  /** Most provisioning lookups one hook call may make. */
  maxLookups: number;
  /** Longest header value or text an effect may carry. */
  maxValueChars: number;
}

export const DEFAULT_LIMITS: Readonly<RuntimeLimits> = Object.freeze({
  memoryMb: 32,
  hookTimeoutMs: 50,
  watchdogMs: 250,
  maxResultChars: 1_000_000,
  maxEffects: 1_000,
  maxLookups: 100,
  maxValueChars: 8_192,
});
