/**
 * The per-call API the signaling core uses: `offer` and `answer` turn a party's
 * SDP into the SDP for the other party (through rtpengine, or untouched when the
 * trunk pair bypasses media), `playRingback`/`stopRingback` inject a tone toward
 * the caller, `playDtmf` injects a digit (SIP INFO → RFC 4733), `delete` ends the
 * rtpengine session. Errors are typed (errors.ts) so the core answers 488/503.
 */
import type { Logger } from 'pino';
import { digitToEvent, type DtmfDigit } from './dtmf-events.ts';
import { MediaPolicyError, RtpengineError } from './errors.ts';
import type { NgClient } from './ng-client.ts';
import { isTimeout } from './pool.ts';
import type { CallMediaPolicy, LegMediaPolicy } from './policy.ts';
import { type AnswerPlan, type OfferPlan, planAnswer, planOffer } from './policy-to-ng.ts';
import { filterAttributes, neutralOrigin, parseSdp, serializeSdp } from './sdp.ts';

/** What a session needs from the service that owns it. */
export interface SessionHost {
  /** An rtpengine client for a new call, trying instances in order (failover); throws MediaUnavailable. */
  acquire<T>(
    run: (client: NgClient) => Promise<T>,
    callId?: string,
  ): Promise<{ client: NgClient; result: T }>;
  ringbackFile(): string;
  released(session: MediaSession): void;
  subscribeDtmf(callId: string, listener: (digit: DtmfDigit) => void): () => void;
  readonly logger: Logger | undefined;
}

export type SessionState = 'new' | 'offered' | 'answered' | 'deleted';
export type Leg = 'offerer' | 'answerer';

export interface OfferTags {
  /** The offerer's tag (From tag of the INVITE): rtpengine's `from-tag`. */
  fromTag: string;
  /** Set for re-offers inside an established dialog. */
  toTag?: string;
}

/** The SDP sent toward a leg, after strict a= filtering and topology hiding for that leg. */
export function finishSdp(sdpText: string, leg: LegMediaPolicy): string {
  const sdp = parseSdp(sdpText);
  if (leg.attributes) filterAttributes(sdp, leg.attributes);
  if (leg.hideTopology !== false) neutralOrigin(sdp);
  return serializeSdp(sdp);
}

export class MediaSession {
  readonly callId: string;
  private readonly host: SessionHost;
  private client: NgClient | undefined;
  private policy: CallMediaPolicy | undefined;
  private offerPlan: OfferPlan | undefined;
  private fromTag = '';
  private toTag: string | undefined;
  private state_: SessionState = 'new';
  private bypassed = false;

  constructor(callId: string, host: SessionHost) {
    this.callId = callId;
    this.host = host;
  }

  get state(): SessionState {
    return this.state_;
  }

  /** The rtpengine instance holding this call's media (undefined before the offer or when bypassed). */
  get endpoint(): string | undefined {
    return this.client ? `${this.client.endpoint.host}:${this.client.endpoint.port}` : undefined;
  }

  get bypass(): boolean {
    return this.bypassed;
  }

  /** The tag of the party that made the latest offer (`offerer` in playDtmf and onDtmf). */
  get offererTag(): string {
    return this.fromTag;
  }

  /** Maps the offerer's SDP to the SDP to send to the answerer. A first offer that fails releases the session. */
  async offer(sdpText: string, policy: CallMediaPolicy, tags: OfferTags): Promise<string> {
    this.assertLive();
    try {
      return await this.offerUnchecked(sdpText, policy, tags);
    } catch (error) {
      this.host.logger?.warn({ callId: this.callId, err: String(error) }, 'media offer failed');
      // Nothing may leak: a timed-out offer may still have created the call in rtpengine.
      if (this.state_ === 'new') await this.delete();
      throw error;
    }
  }

  private async offerUnchecked(sdpText: string, policy: CallMediaPolicy, tags: OfferTags): Promise<string> {
    const sdp = parseSdp(sdpText);
    if (policy.bypass) {
      // Media bypass (issue 8 item 8): no rtpengine session at all; the SDP passes through.
      this.policy = policy;
      this.bypassed = true;
      this.state_ = 'offered';
      return sdpText;
    }
    const plan = planOffer(sdp, policy);
    const params = { ...plan.params, 'call-id': this.callId, 'from-tag': tags.fromTag, sdp: plan.sdp };
    if (tags.toTag) Object.assign(params, { 'to-tag': tags.toTag });
    let reply: Awaited<ReturnType<NgClient['send']>>;
    if (this.client) reply = await this.client.send('offer', params);
    else {
      const acquired = await this.host.acquire((client) => client.send('offer', params), this.callId);
      this.client = acquired.client;
      reply = acquired.result;
    }
    const out = finishSdp(expectSdp(reply, 'offer'), policy.answerer);
    this.policy = policy;
    this.offerPlan = plan;
    this.fromTag = tags.fromTag;
    if (tags.toTag) this.toTag = tags.toTag;
    this.state_ = 'offered';
    return out;
  }

  /** Maps the answerer's SDP to the SDP to send back to the offerer. */
  async answer(sdpText: string, toTag: string): Promise<string> {
    this.assertLive();
    if (!this.policy || this.state_ === 'new') throw new MediaPolicyError('answer without an offer');
    const sdp = parseSdp(sdpText);
    this.toTag = toTag;
    if (this.bypassed) {
      this.state_ = 'answered';
      return sdpText;
    }
    const plan: AnswerPlan = planAnswer(sdp, this.policy, this.offerPlan as OfferPlan);
    const params = {
      ...plan.params,
      'call-id': this.callId,
      'from-tag': this.fromTag,
      'to-tag': toTag,
      sdp: plan.sdp,
    };
    const reply = await this.ngClient('answer').send('answer', params);
    this.state_ = 'answered';
    return finishSdp(expectSdp(reply, 'answer'), this.policy.offerer);
  }

  /** Plays the ringback file toward the offerer (the caller) while the callee rings without early media. */
  async playRingback(file = this.host.ringbackFile()): Promise<void> {
    if (this.bypassed) throw new MediaPolicyError('ringback injection needs media through rtpengine');
    // `play media` sends toward the party named by from-tag (measured with rtpengine 10.5).
    await this.ngClient('playMedia').send('playMedia', {
      'call-id': this.callId,
      'from-tag': this.fromTag,
      file,
      'repeat-times': 100,
    });
  }

  async stopRingback(): Promise<void> {
    if (this.bypassed || this.state_ === 'deleted') return;
    await this.ngClient('stopMedia').send('stopMedia', { 'call-id': this.callId, 'from-tag': this.fromTag });
  }

  /**
   * Injects an RFC 4733 digit toward `toward` (e.g. a SIP INFO received from the other leg).
   * rtpengine injects into the stream *sent by* the tag given, so the digit for the offerer
   * goes into the answerer's stream, and needs that stream to be flowing.
   */
  async playDtmf(toward: Leg, digit: string, durationMs = 100): Promise<void> {
    digitToEvent(digit);
    if (this.bypassed) throw new MediaPolicyError('DTMF injection needs media through rtpengine');
    const sourceTag = toward === 'offerer' ? this.toTag : this.fromTag;
    if (!sourceTag) throw new MediaPolicyError('DTMF toward the offerer needs an answered call');
    await this.ngClient('playDTMF').send('playDTMF', {
      'call-id': this.callId,
      'from-tag': sourceTag,
      code: digit,
      duration: durationMs,
    });
  }

  /** Digits rtpengine saw on this call; `leg` says which party sent them. Returns an unsubscribe function. */
  onDtmf(listener: (digit: DtmfDigit & { leg: Leg }) => void): () => void {
    return this.host.subscribeDtmf(this.callId, (digit) =>
      listener({ ...digit, leg: digit.sourceTag === this.fromTag ? 'offerer' : 'answerer' }),
    );
  }

  /** Ends the rtpengine session; safe to call in any state and more than once. Never throws. */
  async delete(): Promise<void> {
    if (this.state_ === 'deleted') return;
    this.state_ = 'deleted';
    const client = this.client;
    try {
      if (client) await deleteWithRetry(client, this.callId);
    } catch (error) {
      // rtpengine's own timeout (no media for 60 s) reaps the call in the end; say which one leaked.
      this.host.logger?.error({ callId: this.callId, err: String(error) }, 'rtpengine delete failed');
    } finally {
      this.host.released(this);
    }
  }

  private ngClient(command: string): NgClient {
    if (!this.client) throw new RtpengineError(command, 'no rtpengine session for this call');
    return this.client;
  }

  private assertLive(): void {
    if (this.state_ === 'deleted') throw new RtpengineError('offer', 'media session already deleted');
  }
}

/** A busy rtpengine (hundreds of calls ending at once) may answer late: retry timeouts twice. */
async function deleteWithRetry(client: NgClient, callId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send('delete', { 'call-id': callId });
      return;
    } catch (error) {
      if (!isTimeout(error) || attempt >= 3) throw error;
    }
  }
}

function expectSdp(reply: { sdp?: string }, command: string): string {
  if (typeof reply.sdp !== 'string') throw new RtpengineError(command, 'reply carries no SDP');
  return reply.sdp;
}
