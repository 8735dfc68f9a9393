/**
 * The parts of drachtio-srf the signaling core uses, typed narrowly. srf's own
 * declarations are incomplete (no `cancel` event arguments, `raw` on responses,
 * `request` with a body…), so the core talks to srf through these shapes only.
 */
export interface SrfMessage {
  raw: string;
  body: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
}

export interface SrfRequest extends SrfMessage {
  method: string;
  uri: string;
  source_address: string;
  source_port: number;
  protocol: string;
  canceled?: boolean;
  on(event: 'cancel', fn: () => void): void;
  on(event: 'response', fn: (res: SrfResponseIn, ack: (opts?: object) => void) => void): void;
  cancel(fn?: (err: unknown) => void): void;
}

/** A response received from the network. */
export interface SrfResponseIn extends SrfMessage {
  status: number;
  reason: string;
}

/** The response side of a request srf delivered to us. */
export interface SrfResponse {
  finalResponseSent: boolean;
  send(
    status: number,
    reason?: string | object,
    opts?: object,
    cb?: (err: unknown, msg: SrfMessage) => void,
  ): void;
}

export interface SrfDialog {
  id: string;
  sip: { callId: string; localTag: string; remoteTag: string };
  local: { uri: string; sdp: string; contact?: string };
  remote: { uri: string; sdp: string };
  connected: boolean;
  /** UAC dialogs: the 2xx that created it. */
  res?: SrfResponseIn;
  on(event: string, fn: (...args: never[]) => void): void;
  once(event: string, fn: (...args: never[]) => void): void;
  removeAllListeners(event?: string): void;
  destroy(opts?: { headers?: Record<string, string> }): Promise<unknown>;
  request(opts: {
    method: string;
    headers?: Record<string, string>;
    body?: string;
    noAck?: boolean;
  }): Promise<SrfResponseIn>;
}

export interface UacOptions {
  headers: Record<string, string>;
  localSdp?: string;
  proxy?: string;
  noAck?: boolean;
}

/** With `noAck` and an INVITE without SDP srf resolves with this instead of a dialog. */
export interface LateOfferUac {
  sdp: string;
  ack(localSdp: string): Promise<SrfDialog>;
  destroy(): Promise<void>;
  res: SrfResponseIn;
}

export interface SrfApp {
  connect(opts: object): void;
  disconnect(): void;
  on(event: string, fn: (...args: never[]) => void): void;
  invite(fn: (req: SrfRequest, res: SrfResponse) => void): void;
  options(fn: (req: SrfRequest, res: SrfResponse) => void): void;
  use(method: string, fn: (req: SrfRequest, res: SrfResponse, next: () => void) => void): void;
  createUAC(
    uri: string,
    opts: UacOptions,
    progress: {
      cbRequest?: (err: unknown, req: SrfRequest) => void;
      cbProvisional?: (res: SrfResponseIn) => void;
    },
  ): Promise<SrfDialog | LateOfferUac>;
  createUAS(
    req: SrfRequest,
    res: SrfResponse,
    opts: { localSdp?: string; headers?: Record<string, string> },
    callback: (err: unknown, dialog?: SrfDialog) => void,
  ): void;
  request(
    uri: string,
    opts: { method: string; headers?: Record<string, string>; body?: string; proxy?: string },
    cb?: (err: unknown, req: SrfRequest) => void,
  ): void;
}

/** srf resolves a plain object for a late-offer INVITE with `noAck`, a Dialog (an EventEmitter) otherwise. */
export function isLateOffer(uac: SrfDialog | LateOfferUac): uac is LateOfferUac {
  return typeof (uac as Partial<SrfDialog>).on !== 'function';
}
