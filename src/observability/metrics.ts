/**
 * One Prometheus registry per running SBC, shared by every layer: the admin API counts its
 * requests and rule/provisioning changes here, and the signaling core registers its call metrics
 * on the same registry, so GET /metrics serves them all.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  adminRequests: Counter<'method' | 'route' | 'status'>;
  ruleUploads: Counter<'result'>;
  ruleActivations: Counter<'kind' | 'result'>;
  activeRuleVersion: Gauge;
  provisioningChanges: Counter<'entity' | 'action'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process CPU, memory, event-loop lag, GC…: read on scrape, no timers of their own.
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    adminRequests: new Counter({
      name: 'sbc_admin_requests_total',
      help: 'Admin API requests by route and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    ruleUploads: new Counter({
      name: 'sbc_rule_uploads_total',
      help: 'Rule set uploads: stored, or rejected by the compiler',
      labelNames: ['result'],
      registers: [registry],
    }),
    ruleActivations: new Counter({
      name: 'sbc_rule_activations_total',
      help: 'Rule set activations and rollbacks, by outcome',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    activeRuleVersion: new Gauge({
      name: 'sbc_rule_active_version',
      help: 'Number of the active rule set version (0: none)',
      registers: [registry],
    }),
    provisioningChanges: new Counter({
      name: 'sbc_provisioning_changes_total',
      help: 'Customers and numbers created, updated, deleted or imported',
      labelNames: ['entity', 'action'],
      registers: [registry],
    }),
  };
}
