/**
 * Live status from the SBC's Prometheus metrics (GET /metrics, which every role may read): trunk
 * peers with their OPTIONS state, calls in progress, calls per second, rule errors and calls
 * pinned to each rule-set version. Pure functions, so they are tested without a browser.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format: `name{a="x",b="y"} value` lines; comments skipped. */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = re.exec(m[2] ?? ''); l; l = re.exec(m[2] ?? '')) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    const value = Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

export interface PeerStatus {
  trunk: string;
  peer: string;
  state: 'up' | 'down' | 'unknown';
}

export interface StatusSnapshot {
  /** Milliseconds since the epoch when the metrics were read. */
  at: number;
  peers: PeerStatus[];
  activeCalls: number;
  /** Calls started so far: ended (sbc_calls_total) plus in progress. */
  callsStarted: number;
  ruleErrors: number;
  pinned: { version: number; calls: number }[];
  activeVersion: number;
}

const sum = (samples: Sample[], name: string) =>
  samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);

export function snapshot(samples: Sample[], at: number): StatusSnapshot {
  const activeCalls = sum(samples, 'sbc_calls_active');
  return {
    at,
    peers: samples
      .filter((s) => s.name === 'sbc_options_peer_up')
      .map((s) => ({
        trunk: s.labels.trunk ?? '',
        peer: s.labels.peer ?? '',
        state: s.value === 1 ? ('up' as const) : s.value === 0 ? ('down' as const) : ('unknown' as const),
      }))
      .sort((a, b) => (a.trunk + a.peer < b.trunk + b.peer ? -1 : 1)),
    activeCalls,
    callsStarted: sum(samples, 'sbc_calls_total') + activeCalls,
    ruleErrors: sum(samples, 'sbc_rule_errors_total'),
    pinned: samples
      .filter((s) => s.name === 'sbc_rule_version_calls')
      .map((s) => ({ version: Number(s.labels.version), calls: s.value }))
      .sort((a, b) => a.version - b.version),
    activeVersion: sum(samples, 'sbc_rule_active_version'),
  };
}

/** Calls per second and rule errors per second between two snapshots (0 for the first). */
export function rates(
  prev: StatusSnapshot | undefined,
  next: StatusSnapshot,
): { cps: number; errors: number } {
  if (!prev || next.at <= prev.at) return { cps: 0, errors: 0 };
  const seconds = (next.at - prev.at) / 1000;
  // A restart resets counters; a negative difference means "started again", not negative calls.
  return {
    cps: Math.max(0, next.callsStarted - prev.callsStarted) / seconds,
    errors: Math.max(0, next.ruleErrors - prev.ruleErrors) / seconds,
  };
}
