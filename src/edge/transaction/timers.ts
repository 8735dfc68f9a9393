// Transaction timers of RFC 3261 §17 and Table 4 (A–K), plus L and M of
// RFC 6026. Only T1 is usually configured; T2 and T4 keep their defaults.

export interface TimerValues {
  /** RTT estimate (default 500 ms). */
  t1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  t2: number;
  /** Longest time a message stays in the network (default 5 s). */
  t4: number;
}

export const DEFAULT_TIMERS: Readonly<TimerValues> = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

export function timerValues(t1?: number): TimerValues {
  if (t1 === undefined) return DEFAULT_TIMERS;
  if (!Number.isFinite(t1) || t1 < 10) throw new Error(`T1 must be at least 10 ms, got ${t1}`);
  return { ...DEFAULT_TIMERS, t1 };
}

/** Timer B, F, H, J, L, M: 64·T1. */
export const transactionTimeout = (t: TimerValues): number => 64 * t.t1;

/** Timer D: at least 32 s over unreliable transports, 0 over reliable ones. */
export const timerD = (reliable: boolean): number => (reliable ? 0 : 32_000);

/** An unref'd timeout: a pending SIP timer never keeps the process alive by itself. */
export function after(ms: number, fn: () => void): NodeJS.Timeout {
  const t = setTimeout(fn, ms);
  t.unref();
  return t;
}
