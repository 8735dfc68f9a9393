// Loads the captured drachtio wire frames (drachtio-srf 5.0.29 <-> drachtio-server
// 9c2dd4c, see fixtures/README.md) for byte-exact comparisons.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
