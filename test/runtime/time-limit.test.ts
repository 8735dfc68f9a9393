/**
 * The hook time limit as compiled rules keep it (dsl/codegen/lib-clock.ts): a legal but slow
 * program is stopped by its own clock at the rule line that was running, its isolate stays (nothing
 * was interrupted mid-instruction), and the next call runs normally. The watchdog (watchdog.ts) is
 * not involved: its limit is set far above.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleSetRuntime } from '../../src/runtime/index.ts';
import { requestIn, runtimeFor } from './helpers.ts';

const open: RuleSetRuntime[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function rt(text: string, hookTimeoutMs: number): RuleSetRuntime {
  const r = runtimeFor(text, { limits: { hookTimeoutMs, watchdogMs: 60_000 } });
  open.push(r);
  return r;
}

/** A request whose user part is long: every regex position costs the whole program. */
const longUser = (n: number) =>
  requestIn({}, { ruri: { scheme: 'sip', user: 'a'.repeat(n), host: 'x', params: {} } });

describe('the hook time limit kept by compiled rules', () => {
  // Unanchored, 300 optional atoms: each input position keeps hundreds of regex threads alive.
  const SLOW_REGEX =
    'on request INVITE {\n  if ruri.user matches /(a?){300}b/ { reject 403 }\n  log info "done"\n}';

  it('a slow regex over a long input stops at the limit, at its rule line, and the isolate stays', () => {
    const unlimited = rt(SLOW_REGEX, 0);
    const t0 = performance.now();
    const full = unlimited.runHook(longUser(20_000));
    const fullMs = performance.now() - t0;
    expect(full.error).toBeUndefined();
    // The same work takes far longer than the limit below, so finishing early proves the cut.
    expect(fullMs).toBeGreaterThan(50);

    const limited = rt(SLOW_REGEX, 5);
    const t1 = performance.now();
    const r = limited.runHook(longUser(20_000));
    const cutMs = performance.now() - t1;
    expect(r.error).toMatchObject({ kind: 'timeout', at: { file: 'main.rules', line: 2 } });
    expect(r.error?.message).toMatch(/hook time limit of 5 ms exceeded/);
    expect(r.effects[0]).toMatchObject({ kind: 'reject', code: 500 });
    expect(cutMs).toBeLessThan(fullMs);
    expect(limited.restarts).toBe(0);
    const next = limited.runHook(longUser(10));
    expect(next.error).toBeUndefined();
    expect(next.effects).toEqual([expect.objectContaining({ kind: 'log', message: 'done' })]);
  });

  it('many cheap statements each tick the clock: a long straight-line program is cut off too', () => {
    // Each statement measures a 6,000-character header: a few µs, so 3,000 of them outlast 1 ms.
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `  set header "X-${i}" = str(len(header["X-Big"] ?? ""))`,
    );
    const program = `on request INVITE {\n${lines.join('\n')}\n}`;
    const big = requestIn({}, { headers: `X-Big: ${'b'.repeat(6000)}` });
    const limited = rt(program, 1);
    // A first call warms the code; the limit must hold on every later one.
    limited.runHook(big);
    const r = limited.runHook(big);
    if (r.error === undefined) {
      // Fast enough to finish inside 1 ms: then it must really have run every statement.
      expect(r.effects).toHaveLength(3000);
    } else {
      expect(r.error).toMatchObject({ kind: 'timeout', at: { file: 'main.rules' } });
      expect(r.error.at!.line).toBeGreaterThan(1);
      expect(limited.restarts).toBe(0);
    }
  });
});
