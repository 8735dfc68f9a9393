/**
 * The caller's leg (UAS side) of a call: provisional and final answers to the
 * INVITE that arrived. Headers of the far end's responses cross only after the
 * response hook and without the managed headers (topology hiding, item 8).
 * 100rel (RFC 3262) toward the caller is decided here: a provisional is sent
 * reliably when the caller requires it, or supports it and its trunk says
 * `prack required`; whatever the far end did.
 */
import type { SipMessage } from '../../edge/sip/index.ts';
import { bodyText, MANAGED_RESPONSE, optionTags, passThroughHeaders } from '../sip/messages.ts';
import type { SrfDialog, SrfRequest, SrfResponse } from '../srf-types.ts';
import type { Call } from './call.ts';
import type { CallServices } from './services.ts';

/** srf refuses status codes it does not know; an unknown one is sent as its class's base code. */
const KNOWN = new Set([
  180, 181, 182, 183, 199, 200, 202, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405, 406, 407, 408,
  410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 428, 429, 433, 436, 437, 438, 470, 480, 481, 482,
  483, 484, 485, 486, 487, 488, 489, 491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 580, 600, 603, 604,
  606, 607, 608,
]);

export function sendableStatus(status: number): number {
  return KNOWN.has(status) ? status : Math.floor(status / 100) * 100;
}

export class CallerLeg {
  readonly req: SrfRequest;
  readonly res: SrfResponse;
  readonly supports100rel: boolean;
  readonly requires100rel: boolean;
  readonly #services: CallServices;
  #reliableSent = false;

  constructor(req: SrfRequest, res: SrfResponse, invite: SipMessage, services: CallServices) {
    this.req = req;
    this.res = res;
    this.#services = services;
    this.requires100rel = optionTags(invite, 'Require').includes('100rel');
    this.supports100rel = this.requires100rel || optionTags(invite, 'Supported').includes('100rel');
  }

  get answered(): boolean {
    return this.res.finalResponseSent;
  }

  /** A final failure upstream (reject, best response, admission…). */
  reject(status: number, reason?: string, headers: Record<string, string> = {}): void {
    if (this.res.finalResponseSent) return;
    this.#services.metrics.edge.outResponse.inc();
    this.res.send(sendableStatus(status), reason, { headers });
  }

  /** Relays a provisional response (already through the response hook). */
  provisional(call: Call, response: SipMessage, body: string): void {
    if (this.res.finalResponseSent || call.ended) return;
    const headers = passThroughHeaders(response, MANAGED_RESPONSE);
    const trunkPrack = call.inboundTrunk?.prack;
    const reliable =
      this.requires100rel || (this.supports100rel && trunkPrack === 'required' && response.status !== 100);
    if (reliable) {
      headers.Require = '100rel';
      // Early media needs the caller's Contact target for PRACK; srf adds our Contact.
      this.#reliableSent = true;
    }
    if (body !== '') headers['Content-Type'] = response.get('Content-Type') ?? 'application/sdp';
    this.#services.metrics.edge.outResponse.inc();
    this.res.send(sendableStatus(response.status), response.reason, { headers, ...(body ? { body } : {}) });
  }

  get sentReliably(): boolean {
    return this.#reliableSent;
  }

  /**
   * The 2xx upstream: creates the caller's dialog. srf hands the dialog over in a callback run
   * while it reads the edge's frames; a BYE in the same read is dispatched before any promise
   * continuation, so it is caught here, synchronously, and replayed by the dialog bridge.
   */
  answer(response: SipMessage, sdp: string, extra: Record<string, string>): Promise<SrfDialog> {
    const headers = { ...passThroughHeaders(response, MANAGED_RESPONSE), ...extra };
    this.#services.metrics.edge.outResponse.inc();
    return new Promise((resolve, reject) => {
      this.#services.srf.createUAS(this.req, this.res, { localSdp: sdp, headers }, (err, dialog) => {
        if (err || !dialog) {
          reject(err ?? new Error('no dialog'));
          return;
        }
        catchEarlyBye(dialog);
        resolve(dialog);
      });
    });
  }
}

const EARLY_BYE = Symbol('early BYE');

/** Records a BYE that arrives before the dialog bridge listens. */
export function catchEarlyBye(dialog: SrfDialog): void {
  dialog.once('destroy', ((req: SrfRequest) => {
    (dialog as unknown as Record<symbol, SrfRequest>)[EARLY_BYE] = req;
  }) as (...args: never[]) => void);
}

export function earlyBye(dialog: SrfDialog): SrfRequest | undefined {
  return (dialog as unknown as Record<symbol, SrfRequest | undefined>)[EARLY_BYE];
}

export { bodyText };
