/**
 * Session timers (RFC 4028), per leg. Each leg negotiates its own interval and
 * refresher: the far leg from its trunk's `session_expires`/`min_se` (defaults
 * 1800 s and 90 s, Zoom's values, seeds/003), the caller's leg from what the
 * caller asked. Where the SBC is the refresher it sends UPDATE (when the peer
 * allows it) or re-INVITE at half the interval; where the peer is, the SBC
 * expects a refresh before the interval ends (§10: minus min(32 s, 1/3)).
 * A failed refresh or a missed one tears the call down (§10).
 */
import type { IrTrunk } from '../../../dsl/index.ts';
import type { SipMessage } from '../../edge/sip/index.ts';
import { optionTags } from '../sip/messages.ts';
import type { SrfDialog } from '../srf-types.ts';
import type { Call } from './call.ts';
import type { CoreSettings } from './services.ts';

export interface SessionExpires {
  seconds: number;
  refresher?: 'uac' | 'uas';
}

export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (value === undefined) return undefined;
  const [delta = '', ...rest] = value.split(';');
  const seconds = Number(delta.trim());
  if (!Number.isInteger(seconds) || seconds <= 0) return undefined;
  const out: SessionExpires = { seconds };
  for (const p of rest) {
    const [k, v] = p.split('=').map((s) => s.trim().toLowerCase());
    if (k === 'refresher' && (v === 'uac' || v === 'uas')) out.refresher = v;
  }
  return out;
}

export function trunkTimer(
  trunk: IrTrunk | undefined,
  settings: CoreSettings,
): { se: number; minSe: number } {
  const se =
    trunk?.sessionExpiresMs !== undefined
      ? Math.round(trunk.sessionExpiresMs / 1000)
      : settings.sessionExpires;
  const minSe = trunk?.minSeMs !== undefined ? Math.round(trunk.minSeMs / 1000) : settings.minSe;
  return { se: Math.max(se, minSe), minSe };
}

/** Session-Expires and Min-SE of an INVITE toward `trunk`; a 422's Min-SE raises them (§7.4). */
export function sessionTimerRequestHeaders(
  call: Call,
  trunk: IrTrunk,
  settings: CoreSettings,
): Record<string, string> {
  const t = trunkTimer(trunk, settings);
  const minSe = Math.max(t.minSe, call.farMinSe ?? 0);
  return { 'Session-Expires': String(Math.max(t.se, minSe)), 'Min-SE': String(minSe) };
}

/**
 * §8.1: an INVITE whose Session-Expires is below the inbound trunk's Min-SE
 * gets 422 with our Min-SE. Returns that Min-SE, or undefined when acceptable.
 */
export function tooSmall(
  invite: SipMessage,
  trunk: IrTrunk | undefined,
  settings: CoreSettings,
): number | undefined {
  const asked = parseSessionExpires(invite.get('Session-Expires'));
  const { minSe } = trunkTimer(trunk, settings);
  return asked !== undefined && asked.seconds < minSe ? minSe : undefined;
}

/** The caller leg's timer (§9): the caller's interval if it asked for one, its refresher choice kept. */
export function callerTimer(
  invite: SipMessage,
  trunk: IrTrunk | undefined,
  settings: CoreSettings,
): { headers: Record<string, string>; timer: SessionExpires & { weRefresh: boolean } } {
  const asked = parseSessionExpires(invite.get('Session-Expires'));
  const supportsTimer = optionTags(invite, 'Supported').includes('timer');
  const seconds = asked?.seconds ?? trunkTimer(trunk, settings).se;
  // The caller is the UAC of its leg: it refreshes when it supports timers and did not ask us to.
  const refresher = asked?.refresher ?? (supportsTimer ? 'uac' : 'uas');
  const headers: Record<string, string> = { 'Session-Expires': `${seconds};refresher=${refresher}` };
  if (supportsTimer) headers.Require = 'timer';
  return { headers, timer: { seconds, refresher, weRefresh: refresher === 'uas' } };
}

/** The far leg's timer from its 2xx (§7.2): no Session-Expires there means the SBC refreshes. */
export function farTimer(response: SipMessage, requested: number): SessionExpires & { weRefresh: boolean } {
  const got = parseSessionExpires(response.get('Session-Expires'));
  if (got === undefined) return { seconds: requested, refresher: 'uac', weRefresh: true };
  const refresher = got.refresher ?? 'uac';
  return { seconds: got.seconds, refresher, weRefresh: refresher === 'uac' };
}

export function minSeOf(response: SipMessage): number | undefined {
  const n = Number(response.get('Min-SE')?.split(';')[0]?.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Runs one leg's timer until `stop`; `expired` tears the call down. */
export class LegSessionTimer {
  readonly #dialog: SrfDialog;
  readonly #seconds: number;
  readonly #weRefresh: boolean;
  readonly #useUpdate: boolean;
  readonly #expired: (why: string) => void;
  readonly #role: 'uac' | 'uas';
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    dialog: SrfDialog,
    timer: { seconds: number; weRefresh: boolean },
    peerAllowsUpdate: boolean,
    role: 'uac' | 'uas',
    expired: (why: string) => void,
  ) {
    this.#role = role;
    this.#dialog = dialog;
    this.#seconds = timer.seconds;
    this.#weRefresh = timer.weRefresh;
    this.#useUpdate = peerAllowsUpdate;
    this.#expired = expired;
    this.#arm();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const ms = this.#weRefresh
      ? (this.#seconds * 1000) / 2
      : (this.#seconds - Math.min(32, this.#seconds / 3)) * 1000;
    this.#timer = setTimeout(() => void this.#fire(), ms);
    this.#timer.unref();
  }

  /** The peer refreshed the session (a re-INVITE or UPDATE arrived on this leg). */
  refreshed(): void {
    if (!this.#weRefresh) this.#arm();
  }

  async #fire(): Promise<void> {
    if (this.#stopped) return;
    if (!this.#weRefresh) {
      this.#expired('session timer expired: no refresh from the peer (RFC 4028 §10)');
      return;
    }
    const headers = {
      'Session-Expires': `${this.#seconds};refresher=${this.#role}`,
      Supported: 'timer',
    };
    try {
      const res = this.#useUpdate
        ? await this.#dialog.request({ method: 'UPDATE', headers })
        : await this.#dialog.request({ method: 'INVITE', headers, body: this.#dialog.local.sdp });
      if (this.#stopped) return;
      if (res.status >= 300) {
        this.#expired(`session refresh failed with ${res.status} (RFC 4028 §10)`);
        return;
      }
      this.#arm();
    } catch (error) {
      if (!this.#stopped) this.#expired(`session refresh failed: ${String(error)}`);
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

export function allowsUpdate(msg: SipMessage): boolean {
  return msg.values('Allow').some((m) => m.trim().toUpperCase() === 'UPDATE');
}
