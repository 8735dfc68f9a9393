/**
 * The signaling core's Prometheus metrics (issue item 10), on the SBC's one
 * registry (src/observability/metrics.ts) so GET /metrics serves them with the
 * rest. Children are cached per label value: a call costs a few increments.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CoreMetrics {
  callsActive: Gauge<'trunk'>;
  callsTotal: Counter<'trunk' | 'cause'>;
  setupSeconds: Histogram;
  ruleErrors: Counter<'kind' | 'version'>;
  ruleCounters: Counter<'counter'>;
  admissionRejects: Counter<'limit'>;
  floodDrops: Counter<'action'>;
  optionsPeerState: Gauge<'trunk' | 'peer'>;
  edgeMessages: Counter<'direction' | 'kind'>;
  pinnedCalls: Gauge<'version'>;
  /** Bound children of edgeMessages: counted several times per call, so looked up once. */
  edge: Record<'inRequest' | 'inResponse' | 'outRequest' | 'outResponse', { inc(): void }>;
}

export function createCoreMetrics(
  registry: Registry,
  pinned: () => readonly { version: number; calls: number }[] = () => [],
): CoreMetrics {
  const registers = [registry];
  const edgeMessages = new Counter({
    name: 'sbc_edge_messages_total',
    help: 'SIP messages exchanged with the edge by the core, by direction (in/out) and kind (request/response)',
    labelNames: ['direction', 'kind'] as const,
    registers,
  });
  return {
    callsActive: new Gauge({
      name: 'sbc_calls_active',
      help: 'Calls in progress, by the trunk they arrived on',
      labelNames: ['trunk'],
      registers,
    }),
    callsTotal: new Counter({
      name: 'sbc_calls_total',
      help: 'Calls ended, by inbound trunk and cause (final status sent upstream: 200 for answered calls)',
      labelNames: ['trunk', 'cause'],
      registers,
    }),
    setupSeconds: new Histogram({
      name: 'sbc_call_setup_seconds',
      help: 'INVITE received to 200 OK sent upstream, for answered calls',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    ruleErrors: new Counter({
      name: 'sbc_rule_errors_total',
      help: 'Rule hooks cut off (throw, timeout, memory, invalid result), by kind and rule-set version',
      labelNames: ['kind', 'version'],
      registers,
    }),
    ruleCounters: new Counter({
      name: 'sbc_rule_counter_total',
      help: 'Counters incremented by rules (`count NAME`)',
      labelNames: ['counter'],
      registers,
    }),
    admissionRejects: new Counter({
      name: 'sbc_admission_rejects_total',
      help: 'New calls refused with 503 by admission control, by limit key (trunk:NAME, tenant:NAME)',
      labelNames: ['limit'],
      registers,
    }),
    floodDrops: new Counter({
      name: 'sbc_flood_limited_total',
      help: 'INVITEs over the per-source flood limit, by action (drop or reject)',
      labelNames: ['action'],
      registers,
    }),
    optionsPeerState: new Gauge({
      name: 'sbc_options_peer_up',
      help: 'OPTIONS keepalive state of each trunk peer: 1 up, 0 down, -1 not yet known',
      labelNames: ['trunk', 'peer'],
      registers,
    }),
    edgeMessages,
    edge: {
      inRequest: edgeMessages.labels('in', 'request'),
      inResponse: edgeMessages.labels('in', 'response'),
      outRequest: edgeMessages.labels('out', 'request'),
      outResponse: edgeMessages.labels('out', 'response'),
    },
    pinnedCalls: new Gauge({
      name: 'sbc_rule_version_calls',
      help: 'Calls in progress pinned to each loaded rule-set version',
      labelNames: ['version'],
      registers,
      // Read on scrape: versions come and go with activations and their last calls.
      collect() {
        this.reset();
        for (const v of pinned()) this.labels(String(v.version)).set(v.calls);
      },
    }),
  };
}
