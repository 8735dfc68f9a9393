// RFC 4028 negotiation helpers of the session timer on parsed messages.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/core/call/services.ts';
import {
  callerTimer,
  farTimer,
  parseSessionExpires,
  tooSmall,
  trunkTimer,
} from '../../../src/core/call/session-timer.ts';
import { parseSip } from '../../../src/core/sip/messages.ts';
import type { IrTrunk } from '../../../dsl/index.ts';

function invite(extra: string[]): string {
  return [
    'INVITE sip:1@192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK-1',
    'From: <sip:a@10.1.1.1>;tag=1',
    'To: <sip:1@192.0.2.1>',
    'Call-ID: c',
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const trunk = { name: 't', sessionExpiresMs: 600_000, minSeMs: 120_000 } as IrTrunk;

describe('session timer negotiation', () => {
  it('parses Session-Expires with its refresher', () => {
    expect(parseSessionExpires('1800;refresher=uac')).toEqual({ seconds: 1800, refresher: 'uac' });
    expect(parseSessionExpires('90')).toEqual({ seconds: 90 });
    expect(parseSessionExpires('abc')).toBeUndefined();
  });

  it("uses the trunk's interval, else Zoom's 1800/90 defaults", () => {
    expect(trunkTimer(trunk, DEFAULT_SETTINGS)).toEqual({ se: 600, minSe: 120 });
    expect(trunkTimer(undefined, DEFAULT_SETTINGS)).toEqual({ se: 1800, minSe: 90 });
  });

  it('refuses an interval below Min-SE with the Min-SE to use (§8.1)', () => {
    expect(tooSmall(parseSip(invite(['Session-Expires: 60'])), trunk, DEFAULT_SETTINGS)).toBe(120);
    expect(tooSmall(parseSip(invite(['Session-Expires: 600'])), trunk, DEFAULT_SETTINGS)).toBeUndefined();
    expect(tooSmall(parseSip(invite([])), trunk, DEFAULT_SETTINGS)).toBeUndefined();
  });

  it('lets a caller that supports timers refresh, and refreshes for one that does not (§9)', () => {
    const supporting = callerTimer(
      parseSip(invite(['Supported: timer', 'Session-Expires: 900'])),
      trunk,
      DEFAULT_SETTINGS,
    );
    expect(supporting.headers).toEqual({ 'Session-Expires': '900;refresher=uac', Require: 'timer' });
    expect(supporting.timer.weRefresh).toBe(false);
    const plain = callerTimer(parseSip(invite([])), trunk, DEFAULT_SETTINGS);
    expect(plain.headers).toEqual({ 'Session-Expires': '600;refresher=uas' });
    expect(plain.timer.weRefresh).toBe(true);
  });

  it("takes the far end's choice from its 2xx, and refreshes itself when the 2xx has none (§7.2)", () => {
    const ok = (extra: string[]) =>
      parseSip(
        [
          'SIP/2.0 200 OK',
          'Via: SIP/2.0/UDP x;branch=z9hG4bK-1',
          'From: <sip:a@x>;tag=1',
          'To: <sip:b@y>;tag=2',
          'Call-ID: c',
          'CSeq: 1 INVITE',
          ...extra,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    expect(farTimer(ok(['Session-Expires: 300;refresher=uas']), 600)).toEqual({
      seconds: 300,
      refresher: 'uas',
      weRefresh: false,
    });
    expect(farTimer(ok([]), 600)).toEqual({ seconds: 600, refresher: 'uac', weRefresh: true });
  });
});
