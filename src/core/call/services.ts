/** What the units of a call share: srf, settings, admission, metrics, logs, media. */
import type { Logger } from 'pino';
import type { AdmissionControl } from '../admission/admission.ts';
import type { CoreMetrics } from '../metrics.ts';
import type { SrfApp } from '../srf-types.ts';
import type { HookObserver } from './hooks.ts';
import type { MediaBridge } from './media-bridge.ts';

export interface CoreSettings {
  /** Answer 180 upstream as 183 (issue item 4: "configurable 180 → 183 conversion"). */
  ringingAs183: boolean;
  /** Defaults of the session timer (RFC 4028) for trunks that set none, in seconds. */
  sessionExpires: number;
  minSe: number;
  /** Tenant limits, keyed by the value rules put in the `tenant` call variable. */
  tenants: Record<string, { maxCalls?: number; cps?: number }>;
  /** The SBC's SIP port per transport (for a Contact whose host a rule set, see ruleContact). */
  listenPorts: Partial<Record<'udp' | 'tcp' | 'tls', number>>;
}

export const DEFAULT_SETTINGS: CoreSettings = {
  ringingAs183: false,
  sessionExpires: 1800,
  minSe: 90,
  tenants: {},
  listenPorts: {},
};

export interface CallServices {
  srf: SrfApp;
  settings: CoreSettings;
  admission: AdmissionControl;
  metrics: CoreMetrics;
  observer: HookObserver;
  logger: Logger;
  media: MediaBridge | undefined;
}
