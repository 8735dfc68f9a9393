/**
 * The signaling core (DESIGN.md layer 3): a drachtio-srf application on the
 * edge's wire protocol — the embedded edge or an external drachtio-server,
 * the core cannot tell which. New INVITEs are screened (flood guard, trunk
 * classification, session-timer floor, admission), pinned to the active
 * rule-set version and handed to the call units in ./call/; OPTIONS from peers
 * are answered; OPTIONS keepalive watches every trunk peer (docs/core.md).
 */
import Srf from 'drachtio-srf';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AdmissionControl, FloodGuard, type Limit } from './admission/admission.ts';
import { type CallCounters, MemoryCounters } from './admission/counters.ts';
import { Call, type CallEnd } from './call/call.ts';
import { CallerLeg } from './call/caller-leg.ts';
import { ALLOW } from './call/far-invite.ts';
import { runHook } from './call/hooks.ts';
import type { MediaBridge } from './call/media-bridge.ts';
import { runNewCall } from './call/new-call.ts';
import { mergePolicy, tlsNamesOf, userOf } from './call/request-facts.ts';
import { type CallServices, type CoreSettings, DEFAULT_SETTINGS } from './call/services.ts';
import { tooSmall } from './call/session-timer.ts';
import { type CdrSink, NO_CDRS } from './cdr.ts';
import { OptionsMonitor, type PeerStatus, type StateChange } from './keepalive/options-monitor.ts';
import { srfOptionsProbe } from './keepalive/options-prober.ts';
import { type CoreMetrics, createCoreMetrics } from './metrics.ts';
import { peerKey } from './routing/route-plan.ts';
import type { RuleVersions } from './rule-versions.ts';
import type { LoadedVersion } from './rules/loaded-version.ts';
import { parseSip } from './sip/messages.ts';
import type { SrfApp, SrfRequest, SrfResponse } from './srf-types.ts';

export interface CoreOptions {
  versions: RuleVersions;
  registry: Registry;
  logger: Logger;
  settings?: Partial<CoreSettings>;
  /** Trunk for requests from unknown sources; without it they get 403 (issue item 1). */
  defaultTrunk?: string;
  /** Per-source INVITE flood limit (issue item 9). */
  flood: { perSecond: number; action: 'drop' | 'reject' };
  cdr?: CdrSink;
  /** Admission counters; default: this node's memory. Shared ones (Redis) make limits hold across nodes. */
  counters?: CallCounters;
  media?: MediaBridge;
}

export interface CallSummary {
  callId: string;
  state: string;
  inboundTrunk: string;
  outboundTrunk: string | null;
  ruleVersion: number;
  startedAt: string;
}

export class SignalingCore {
  readonly metrics: CoreMetrics;
  readonly keepalive: OptionsMonitor;
  readonly #options: CoreOptions;
  readonly #services: CallServices;
  readonly #flood: FloodGuard;
  readonly #calls = new Set<Call>();
  #srf: SrfApp | undefined;

  constructor(options: CoreOptions) {
    this.#options = options;
    this.metrics = createCoreMetrics(options.registry, () => options.versions.pinnedCalls());
    const local = new MemoryCounters();
    const counters = options.counters ?? local;
    const logger = options.logger.child({ component: 'core' });
    const metrics = this.metrics;
    this.#services = {
      srf: undefined as unknown as SrfApp,
      settings: { ...DEFAULT_SETTINGS, ...options.settings },
      admission: new AdmissionControl(counters),
      metrics,
      logger,
      media: options.media,
      observer: {
        ruleError: (version, error) => metrics.ruleErrors.labels(error.kind, String(version)).inc(),
        count: (counter) => metrics.ruleCounters.labels(counter).inc(),
        log: (level, message, callId) => {
          const fn = level === 'error' || level === 'warn' || level === 'debug' ? level : 'info';
          logger[fn]({ callId, rule: true }, message);
        },
      },
    };
    this.#flood = new FloodGuard(local, options.flood.perSecond);
    this.keepalive = new OptionsMonitor(
      srfOptionsProbe(
        () => this.#srf,
        (dir) => metrics.edgeMessages.labels(dir, dir === 'out' ? 'request' : 'response').inc(),
      ),
      (change) => this.#peerChanged(change),
    );
  }

  /** Watches the OPTIONS peers of a newly active version (RuleVersions' onActivated). */
  versionActivated(version: LoadedVersion): void {
    // Before the edge is connected no probe could be sent; start() watches the version then.
    if (this.#srf === undefined) return;
    this.keepalive.watch(version.ir.trunks);
    for (const s of this.keepalive.statuses()) this.#peerGauge(s.trunk, peerKey(s.peer), s.state);
  }

  /** Connects to the edge's wire port and starts taking calls. */
  async start(wire: { host: string; port: number; secret: string }): Promise<void> {
    const srf = new Srf() as unknown as SrfApp;
    srf.on('error', (err: Error) => this.#services.logger.warn({ err }, 'edge connection error'));
    srf.invite(
      (req, res) =>
        void this.#onInvite(req, res).catch((err: unknown) =>
          this.#services.logger.error({ err }, 'INVITE failed inside the core'),
        ),
    );
    srf.options((req, res) => this.#onOptions(req, res));
    await new Promise<void>((resolve, reject) => {
      srf.on('connect', (err: Error | null) => (err ? reject(err) : resolve()));
      srf.connect({ host: wire.host, port: wire.port, secret: wire.secret });
    });
    this.#srf = srf;
    this.#services.srf = srf;
    const current = this.#options.versions.current();
    if (current) this.versionActivated(current);
  }

  /** OPTIONS keepalive state of every watched peer (for the admin API's trunk status). */
  peerStatuses(): PeerStatus[] {
    return this.keepalive.statuses();
  }

  calls(): CallSummary[] {
    return [...this.#calls].map((c) => ({
      callId: c.id,
      state: c.state,
      inboundTrunk: c.trunkName,
      outboundTrunk: c.outboundTrunk?.name ?? null,
      ruleVersion: c.version.number,
      startedAt: new Date(c.startedAt).toISOString(),
    }));
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  /** Media anchoring for new calls (set once the media layer has started). */
  setMedia(media: MediaBridge): void {
    this.#services.media = media;
  }

  async close(): Promise<void> {
    this.keepalive.stop();
    for (const call of [...this.#calls]) {
      void call.uas?.destroy().catch(() => {});
      void call.uac?.destroy().catch(() => {});
      call.end({ status: 200, cause: 'shutdown' });
    }
    try {
      this.#srf?.disconnect();
    } catch {
      // already disconnected
    }
    await (this.#options.cdr ?? NO_CDRS).close();
  }

  async #onInvite(req: SrfRequest, res: SrfResponse): Promise<void> {
    const m = this.metrics;
    m.edge.inRequest.inc();
    const services = this.#services;
    const send = (status: number, reason: string, headers: Record<string, string> = {}) => {
      m.edge.outResponse.inc();
      res.send(status, reason, { headers });
    };
    if (!this.#flood.allows(req.source_address)) {
      m.floodDrops.labels(this.#options.flood.action).inc();
      // `drop`: no answer at all, so a flooding source learns nothing and costs nothing more.
      if (this.#options.flood.action === 'reject') send(503, 'Service Unavailable', { 'Retry-After': '5' });
      return;
    }
    const pin = this.#options.versions.pin();
    if (pin === undefined) {
      send(503, 'No rule set active');
      return;
    }
    const version = pin.version;
    const transport = (req.protocol ?? 'udp').toLowerCase() as 'udp' | 'tcp' | 'tls';
    const source = { ip: req.source_address, port: Number(req.source_port), transport };
    const trunk =
      version.classifier.classify({ address: source.ip, port: source.port, transport, ...tlsNamesOf(req) }) ??
      (this.#options.defaultTrunk !== undefined ? version.trunks.get(this.#options.defaultTrunk) : undefined);
    if (trunk === undefined) {
      pin.release();
      send(403, 'Forbidden');
      return;
    }
    let invite;
    try {
      invite = parseSip(req.raw);
    } catch {
      pin.release();
      send(400, 'Bad Request');
      return;
    }
    const floor = tooSmall(invite, trunk, services.settings);
    if (floor !== undefined) {
      pin.release();
      send(422, 'Session Interval Too Small', { 'Min-SE': String(floor) });
      return;
    }
    const limits: Limit[] = [{ key: `trunk:${trunk.name}`, maxCalls: trunk.maxCalls, cps: trunk.cps }];
    const admitted = await services.admission.admit(limits);
    if (!admitted.admitted) {
      pin.release();
      m.admissionRejects.labels(admitted.limit).inc();
      send(503, 'Service Unavailable', { 'Retry-After': String(admitted.retryAfterSeconds) });
      return;
    }
    const call = new Call({
      id: invite.get('Call-ID') ?? '',
      pin,
      inboundTrunk: trunk,
      source,
      invite,
      onEnd: (c, end) => this.#callEnded(c, end),
    });
    call.onCleanup(admitted.release);
    this.#calls.add(call);
    m.callsActive.labels(call.trunkName).inc();
    const caller = new CallerLeg(req, res, invite, services);
    void this.#setUp(call, caller).catch((error: unknown) => {
      services.logger.error({ callId: call.id, err: error }, 'call failed inside the core');
      caller.reject(500, 'Server Internal Error');
      call.end({ status: 500, cause: 'internal-error' });
    });
  }

  async #setUp(call: Call, caller: CallerLeg): Promise<void> {
    const services = this.#services;
    let decided;
    try {
      decided = runHook(call.hookContext(), { hook: 'request', message: call.invite }, services.observer);
    } catch {
      // The message cannot be shown to rules (e.g. an unreadable From): a client error.
      caller.reject(400, 'Bad Request');
      call.end({ status: 400, cause: 'bad-request' });
      return;
    }
    const answer = decided.reject ?? decided.reply;
    if (answer) {
      caller.reject(answer.code, answer.reason, Object.fromEntries(decided.reject?.headers ?? []));
      call.end({ status: answer.code, cause: 'rule-reject' });
      return;
    }
    const tenant = call.vars.tenant;
    if (typeof tenant === 'string' && services.settings.tenants[tenant]) {
      const limit = services.settings.tenants[tenant];
      const admitted = await services.admission.admit([{ key: `tenant:${tenant}`, ...limit }]);
      if (!admitted.admitted) {
        this.metrics.admissionRejects.labels(admitted.limit).inc();
        caller.reject(503, 'Service Unavailable', { 'Retry-After': String(admitted.retryAfterSeconds) });
        call.end({ status: 503, cause: 'admission' });
        return;
      }
      call.onCleanup(admitted.release);
    }
    if (!decided.route) {
      caller.reject(404, 'No Route');
      call.end({ status: 404, cause: 'no-route-decision' });
      return;
    }
    if (services.media) {
      const inbound = mergePolicy(call.inboundTrunk?.media, decided.media, 'inbound');
      const target = call.version.trunks.get(decided.route.target);
      const outbound = mergePolicy(target?.media, decided.media, 'outbound');
      // A caller without SDP toward an `early_offer` trunk (Zoom: 488 to an INVITE without SDP,
      // seeds/003) needs an offer made on its behalf, so its media is anchored whatever the policies.
      const lateOffer = call.invite.body.length === 0;
      const earlyOfferTarget = target
        ? target.earlyOffer === true
        : [...call.version.trunks.values()].some((t) => t.earlyOffer === true);
      try {
        call.media = services.media.open(call.id, {
          inbound,
          outbound,
          inboundTrunk: call.trunkName,
          outboundTrunk: target?.name ?? decided.route.target,
          fromTag: /;\s*tag=([^;\s]+)/i.exec(call.invite.get('From') ?? '')?.[1] ?? '',
          force: lateOffer && earlyOfferTarget,
        });
      } catch (error) {
        const e = error as { sipStatus?: number; reason?: string };
        const status = typeof e.sipStatus === 'number' ? e.sipStatus : 503;
        caller.reject(status, status === 503 ? 'Service Unavailable' : (e.reason ?? 'Not Acceptable Here'), {
          ...(status === 503 ? { 'Retry-After': '5' } : {}),
        });
        call.end({ status, cause: 'media' });
        return;
      }
      if (call.media) {
        // The rtpengine session goes however the call ends (issue item 5).
        const media = call.media;
        call.onCleanup(() => void media.delete().catch(() => {}));
      }
    }
    await runNewCall(call, caller, decided.route, services);
  }

  #callEnded(call: Call, end: CallEnd): void {
    this.#calls.delete(call);
    const m = this.metrics;
    m.callsActive.labels(call.trunkName).dec();
    m.callsTotal.labels(call.trunkName, String(end.status)).inc();
    if (call.setupMs !== undefined) m.setupSeconds.observe(call.setupMs / 1000);
    const now = Date.now();
    (this.#options.cdr ?? NO_CDRS).write({
      callId: call.id,
      start: new Date(call.startedAt).toISOString(),
      answer: call.answeredAt === undefined ? null : new Date(call.answeredAt).toISOString(),
      end: new Date(now).toISOString(),
      duration: call.answeredAt === undefined ? 0 : (now - call.answeredAt) / 1000,
      setupMs: call.setupMs === undefined ? null : Math.round(call.setupMs * 10) / 10,
      status: end.status,
      cause: end.cause,
      inboundTrunk: call.trunkName,
      outboundTrunk: call.outboundTrunk?.name ?? null,
      from: call.invite.get('From') === undefined ? '' : userOf(call, 'From'),
      to: userOf(call, 'To'),
      ruleVersion: call.version.number,
      attempts: call.attempts,
    });
  }

  #onOptions(req: SrfRequest, res: SrfResponse): void {
    const m = this.metrics;
    m.edge.inRequest.inc();
    const reply = (status: number, reason?: string, headers: Record<string, string> = {}) => {
      m.edge.outResponse.inc();
      res.send(status, reason, { headers });
    };
    const version = this.#options.versions.current();
    const base = { Allow: ALLOW, Accept: 'application/sdp', Supported: '100rel, timer' };
    if (version === undefined) return reply(200, 'OK', base);
    try {
      const msg = parseSip(req.raw);
      const transport = (req.protocol ?? 'udp').toLowerCase() as 'udp' | 'tcp' | 'tls';
      const source = { ip: req.source_address, port: Number(req.source_port), transport };
      const trunk = version.classifier.classify({
        address: source.ip,
        port: source.port,
        transport,
        ...tlsNamesOf(req),
      });
      const decided = runHook(
        {
          version,
          callId: msg.get('Call-ID') ?? '',
          attempt: 0,
          trunk: trunk?.name ?? '',
          source: { ...source, trunk: trunk?.name ?? '' },
          vars: { ...version.runtime.rules.vars },
        },
        { hook: 'request', message: msg },
        this.#services.observer,
      );
      const answer = decided.reject ?? decided.reply;
      if (answer) return reply(answer.code, answer.reason, answer.code < 300 ? base : {});
      reply(200, 'OK', base);
    } catch {
      reply(400, 'Bad Request');
    }
  }

  #peerChanged(change: StateChange): void {
    this.#peerGauge(change.trunk, peerKey(change.peer), change.to);
    this.#services.logger.warn(
      {
        trunk: change.trunk,
        peer: peerKey(change.peer),
        from: change.from,
        to: change.to,
        last: change.lastOutcome,
      },
      `trunk peer ${change.to}`,
    );
  }

  #peerGauge(trunk: string, peer: string, state: string): void {
    this.metrics.optionsPeerState.labels(trunk, peer).set(state === 'up' ? 1 : state === 'down' ? 0 : -1);
  }
}
