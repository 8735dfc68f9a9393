import ivm from 'isolated-vm';

/**
 * The backstop behind the hook time limit (docs/runtime.md "Limits"). Compiled rules keep the limit
 * themselves (dsl/codegen/lib-clock.ts); the watchdog is for code that does not: a compiler bug or a
 * tampered program. It is a second, tiny isolate whose program runs on isolated-vm's own thread and
 * polls a shared word the host sets around each hook call. When one call has run past the deadline
 * it disposes the rule isolate, which terminates the call on the main thread ("Isolate was disposed
 * during execution"); the runtime then builds a new isolate for the next call.
 *
 * Why not isolated-vm's `timeout` option: it starts a timer per call, handled by a timer thread woken
 * once per call; on 2 cores that cost about 30 µs at p99 on every hook (bench/rules.ts). Arming the
 * watchdog is two stores into shared memory.
 *
 * Measured here: a runaway loop in a function the isolate had already optimised can take up to
 * about 1 s after the dispose to stop (V8 delivers the termination late); a cold one stops at once.
 */
const SEQ = 0; // the running call's number, 0 when idle
const WAKE = 1; // futex word the loop sleeps on
const STOP = 2; // 1: the loop must return for good
const FIRED = 3; // the call number the watchdog cut off
const LAST = 4; // the last call's number: tells the loop calls are still coming
const LIVE = 5; // 1 while a loop runs
const DEADLINE_OFFSET = 24; // Float64 after the six Int32 words

/**
 * The loop returns after a quiet spell, so a process whose rules sit idle can exit (a pending
 * isolated-vm task keeps Node's event loop alive); the next call starts it again.
 */
const GUARD_PROGRAM = `globalThis.watch = function (limitMs, pollMs, idlePolls) {
  const w = new Int32Array(sab, 0, 6);
  const deadline = new Float64Array(sab, ${DEADLINE_OFFSET}, 1);
  let last = -1;
  let quiet = 0;
  for (;;) {
    Atomics.wait(w, ${WAKE}, 0, pollMs);
    if (Atomics.load(w, ${STOP}) === 1) return 'stopped';
    const seq = Atomics.load(w, ${SEQ});
    if (seq !== 0 && Date.now() > deadline[0] && Atomics.load(w, ${SEQ}) === seq) {
      Atomics.store(w, ${FIRED}, seq);
      Atomics.store(w, ${LIVE}, 0);
      try { target.dispose(); } catch {}
      return 'fired';
    }
    const now = Atomics.load(w, ${LAST});
    quiet = seq === 0 && now === last ? quiet + 1 : 0;
    last = now;
    if (quiet >= idlePolls) {
      // Leave, unless a call was armed meanwhile (the host saw LIVE = 1 and did not start a loop).
      Atomics.store(w, ${LIVE}, 0);
      if (Atomics.load(w, ${SEQ}) === 0) return 'idle';
      Atomics.store(w, ${LIVE}, 1);
      quiet = 0;
    }
  }
};`;

export class IsolateWatchdog {
  private readonly words: Int32Array;
  private readonly deadline: Float64Array;
  private readonly guard: ivm.Isolate;
  private readonly watch: ivm.Reference<(limitMs: number, pollMs: number, idlePolls: number) => string>;
  private readonly limitMs: number;
  private readonly pollMs: number;
  private seq = 0;

  constructor(target: ivm.Isolate, limitMs: number) {
    this.limitMs = limitMs;
    // Polling a few times per limit keeps detection within about a quarter of the limit late.
    this.pollMs = Math.max(5, Math.min(50, Math.floor(limitMs / 4)));
    const sab = new SharedArrayBuffer(DEADLINE_OFFSET + 8);
    this.words = new Int32Array(sab, 0, 6);
    this.deadline = new Float64Array(sab, DEADLINE_OFFSET, 1);
    this.guard = new ivm.Isolate({ memoryLimit: 8 });
    try {
      const context = this.guard.createContextSync();
      context.global.setSync('sab', new ivm.ExternalCopy(sab).copyInto());
      context.global.setSync('target', target);
      context.evalSync(GUARD_PROGRAM, { timeout: 1000 });
      this.watch = context.global.getSync('watch', { reference: true });
    } catch (e) {
      this.guard.dispose();
      throw e;
    }
  }

  /** Marks the start of one call and returns its number; starts the loop if it is not running. */
  arm(): number {
    this.seq = this.seq >= 0x7ffffffe ? 1 : this.seq + 1;
    this.deadline[0] = Date.now() + this.limitMs;
    Atomics.store(this.words, SEQ, this.seq);
    Atomics.store(this.words, LAST, this.seq);
    if (Atomics.load(this.words, LIVE) === 0 && Atomics.load(this.words, STOP) === 0) this.start();
    return this.seq;
  }

  disarm(): void {
    Atomics.store(this.words, SEQ, 0);
  }

  /** Whether the watchdog cut off call `seq`. */
  fired(seq: number): boolean {
    return Atomics.load(this.words, FIRED) === seq;
  }

  /** Ends the loop for good and frees the guard isolate. */
  stop(): void {
    Atomics.store(this.words, STOP, 1);
    Atomics.notify(this.words, WAKE);
    // Disposing terminates a loop still sleeping; it would have returned at its next wake anyway.
    if (!this.guard.isDisposed) this.guard.dispose();
  }

  private start(): void {
    Atomics.store(this.words, LIVE, 1);
    const idlePolls = Math.max(2, Math.ceil(200 / this.pollMs));
    // Runs on isolated-vm's thread pool; the promise only matters for errors, which leave LIVE 0.
    this.watch.apply(undefined, [this.limitMs, this.pollMs, idlePolls]).catch(() => {
      Atomics.store(this.words, LIVE, 0);
    });
  }
}
