// Loads the captured drachtio wire frames (drachtio-srf 5.0.29 <-> drachtio-server
// 9c2dd4c, see fixtures/README.md) for byte-exact comparisons.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessageMeta } from '../../../src/edge/wire/meta.ts';
import { parseServerMessage, type SipDelivery } from '../../../src/edge/wire/server-messages.ts';

export interface CapturedFrame {
  /** 1-based position in the capture, as numbered in notes-drachtio-wire.md §5/§7. */
  n: number;
  dir: 'A->S' | 'S->A';
  /** Exact frame, `<len>#<payload>`. */
  frame: string;
  payload: string;
}

export type CaptureName = 'b2bua-call' | 'b2bua-cancel';

export function loadCapture(name: CaptureName): CapturedFrame[] {
  const file = fileURLToPath(new URL(`./fixtures/${name}.frames.jsonl`, import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const o = JSON.parse(line) as { dir: 'A->S' | 'S->A'; frame: string };
      const hash = o.frame.indexOf('#');
      return { n: i + 1, dir: o.dir, frame: o.frame, payload: o.frame.slice(hash + 1) };
    });
}

export function frameAt(name: CaptureName, n: number): CapturedFrame {
  const f = loadCapture(name)[n - 1];
  if (!f) throw new Error(`no frame ${n} in ${name}`);
  return f;
}

/** The SIP part of a payload (after the leader line). */
export function sipPart(payload: string): string {
  const i = payload.indexOf('\r\n');
  if (i < 0) throw new Error('payload has no SIP part');
  return payload.slice(i + 2);
}

export function leaderFields(payload: string): string[] {
  const i = payload.indexOf('\r\n');
  return (i < 0 ? payload : payload.slice(0, i)).split('|');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Replaces every UUID (message and transaction ids) by a same-length placeholder. */
export function maskIds(frame: string): string {
  return frame.replace(UUID, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
}

/** A captured S→A `sip` frame: a message as drachtio-server delivered it. */
export function capturedDelivery(
  capture: CaptureName,
  n: number,
): SipDelivery & { method: string; status: number } {
  const msg = parseServerMessage(frameAt(capture, n).payload);
  if (msg.type !== 'sip') throw new Error(`frame ${n} is not a sip delivery`);
  const isResponse = msg.sip.startsWith('SIP/');
  return {
    ...msg,
    method: isResponse ? '' : msg.sip.slice(0, msg.sip.indexOf(' ')),
    status: isResponse ? Number(msg.sip.slice(8, 11)) : 0,
  };
}

export type CapturedResult =
  { ok: true; meta: MessageMeta; sent: string; dialogId: string } | { ok: false; reason: string };

/** A captured reply to an app's `sip` message, as the SIP layer result it stands for. */
export function capturedResult(capture: CaptureName, n: number): CapturedResult {
  const msg = parseServerMessage(frameAt(capture, n).payload);
  if (msg.type !== 'response') throw new Error(`frame ${n} is not a response`);
  const r = msg.reply;
  if (r.kind === 'failed') return { ok: false, reason: r.reason };
  if (r.kind === 'request-sent') return { ok: true, meta: r.meta, sent: r.sip, dialogId: '' };
  if (r.kind === 'response-sent') return { ok: true, meta: r.meta, sent: r.sip, dialogId: r.dialogId };
  throw new Error(`frame ${n} is not a reply to a sip message`);
}
