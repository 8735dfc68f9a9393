/**
 * The live status pane reads the SBC's Prometheus metrics: the parser and the derived figures
 * (peers, calls in progress, calls per second, rule errors, calls pinned per version).
 */
import { describe, expect, it } from 'vitest';
import { parseMetrics, rates, snapshot } from '../../editor/src/status/metrics.ts';

const TEXT = `# HELP sbc_calls_active Calls in progress
# TYPE sbc_calls_active gauge
sbc_calls_active{trunk="zoom"} 3
sbc_calls_active{trunk="core"} 2
sbc_calls_total{trunk="zoom",cause="200"} 40
sbc_calls_total{trunk="zoom",cause="486"} 5
sbc_rule_errors_total{kind="timeout",version="2"} 1
sbc_options_peer_up{trunk="zoom",peer="162.12.233.59:5061"} 1
sbc_options_peer_up{trunk="zoom",peer="162.12.232.59:5061"} 0
sbc_options_peer_up{trunk="core",peer="10.0.0.10:5060"} -1
sbc_rule_version_calls{version="2"} 4
sbc_rule_version_calls{version="1"} 1
sbc_rule_active_version 2
process_label{note="a \\"quoted\\" value"} 7
`;

describe('status from metrics', () => {
  it('parses names, labels (with escapes) and values, skipping comments', () => {
    const samples = parseMetrics(TEXT);
    expect(samples).toHaveLength(12);
    expect(samples.at(-1)).toEqual({ name: 'process_label', labels: { note: 'a "quoted" value' }, value: 7 });
  });

  it('derives peers with their OPTIONS state, calls, rule errors and pinned calls per version', () => {
    const s = snapshot(parseMetrics(TEXT), 1000);
    expect(s.activeCalls).toBe(5);
    expect(s.callsStarted).toBe(50);
    expect(s.ruleErrors).toBe(1);
    expect(s.activeVersion).toBe(2);
    expect(s.pinned).toEqual([
      { version: 1, calls: 1 },
      { version: 2, calls: 4 },
    ]);
    expect(s.peers).toEqual([
      { trunk: 'core', peer: '10.0.0.10:5060', state: 'unknown' },
      { trunk: 'zoom', peer: '162.12.232.59:5061', state: 'down' },
      { trunk: 'zoom', peer: '162.12.233.59:5061', state: 'up' },
    ]);
  });

  it('computes calls and rule errors per second between two readings, never negative', () => {
    const a = snapshot(parseMetrics(TEXT), 1000);
    const b = snapshot(parseMetrics(TEXT.replace('cause="200"} 40', 'cause="200"} 60')), 3000);
    expect(rates(a, b)).toEqual({ cps: 10, errors: 0 });
    expect(rates(b, a)).toEqual({ cps: 0, errors: 0 });
    expect(rates(undefined, a)).toEqual({ cps: 0, errors: 0 });
    const restarted = snapshot(parseMetrics('sbc_calls_total{trunk="x"} 1\n'), 5000);
    expect(rates(b, restarted).cps).toBe(0);
  });
});
