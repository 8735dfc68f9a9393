/**
 * The OPTIONS state machine with a scripted probe standing in for the SIP
 * stack (the real OPTIONS exchange is covered by the sipp call tests), on
 * vitest's fake clock so 30-second intervals take no time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isSuccess,
  OptionsMonitor,
  type ProbeResult,
  type StateChange,
} from '../../../src/core/keepalive/options-monitor.ts';
import { trunk } from '../routing/fixtures.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const zoom = trunk('zoom', ['10.0.0.1:5061'], {
  transport: 'tls',
  options: { enabled: true, intervalMs: 30_000, downAfter: 4, upAfter: 3 },
});

function scripted(outcomes: ProbeResult['outcome'][]) {
  const calls: string[] = [];
  const probe = async (peer: { host: string }) => {
    calls.push(peer.host);
    return { outcome: outcomes.shift() ?? 200 };
  };
  return { probe, calls };
}

describe('OptionsMonitor (seeds/003: every 30 s, down after 4 failures, up after 3 successes)', () => {
  it('starts unknown, goes up after 3 successes, down after 4 failures, up again after 3', async () => {
    const { probe } = scripted([200, 200, 200, 503, 'timeout', 408, 'unreachable', 200, 200, 200]);
    const changes: StateChange[] = [];
    const monitor = new OptionsMonitor(probe, (change) => changes.push(change));
    monitor.watch([zoom]);
    const peer = { host: '10.0.0.1', port: 5061, transport: 'tls' as const };
    expect(monitor.state(peer)).toBe('unknown');

    await vi.advanceTimersByTimeAsync(1_000 + 2 * 30_000);
    expect(monitor.state(peer)).toBe('up');
    await vi.advanceTimersByTimeAsync(3 * 30_000);
    expect(monitor.state(peer)).toBe('up');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(monitor.state(peer)).toBe('down');
    await vi.advanceTimersByTimeAsync(3 * 30_000);
    expect(monitor.state(peer)).toBe('up');

    expect(changes.map((c) => `${c.from}→${c.to}`)).toEqual(['unknown→up', 'up→down', 'down→up']);
    expect(monitor.statuses()[0]).toMatchObject({ trunk: 'zoom', state: 'up', consecutiveSuccesses: 3 });
    monitor.stop();
  });

  it('a failure streak broken by a success starts counting again', async () => {
    const { probe } = scripted([503, 503, 503, 200, 503, 503, 503]);
    const monitor = new OptionsMonitor(probe);
    monitor.watch([zoom]);
    await vi.advanceTimersByTimeAsync(1_000 + 6 * 30_000);
    expect(monitor.statuses()[0]).toMatchObject({ state: 'unknown', consecutiveFailures: 3 });
    monitor.stop();
  });

  it('probes nothing for trunks without options, and stops probing removed peers', async () => {
    const { probe, calls } = scripted([]);
    const monitor = new OptionsMonitor(probe);
    monitor.watch([zoom, trunk('core', ['192.0.2.1'])]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual(['10.0.0.1']);
    monitor.watch([]);
    await vi.advanceTimersByTimeAsync(5 * 30_000);
    expect(calls).toEqual(['10.0.0.1']);
    expect(monitor.statuses()).toEqual([]);
  });

  it('keeps a peer’s state across a rule reload that keeps the peer', async () => {
    const { probe } = scripted([200, 200, 200]);
    const monitor = new OptionsMonitor(probe);
    monitor.watch([zoom]);
    await vi.advanceTimersByTimeAsync(1_000 + 2 * 30_000);
    monitor.watch([{ ...zoom, options: { enabled: true, intervalMs: 10_000 } }]);
    expect(monitor.statuses()[0]?.state).toBe('up');
    monitor.stop();
  });

  it('a probe that throws counts as unreachable', async () => {
    const monitor = new OptionsMonitor(async () => {
      throw new Error('socket closed');
    });
    monitor.watch([zoom]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(monitor.statuses()[0]).toMatchObject({ lastOutcome: 'unreachable', consecutiveFailures: 1 });
    monitor.stop();
  });

  it('judges answers: below 500 except 408 is alive', () => {
    expect([200, 404, 405, 481].every(isSuccess)).toBe(true);
    expect([408, 500, 503, 603, 'timeout', 'unreachable'].some((o) => isSuccess(o as number))).toBe(false);
  });
});
