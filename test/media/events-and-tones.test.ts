/** DTMF report parsing (rtpengine --dtmf-log-dest datagrams) and the generated ringback WAV. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digitToEvent, eventToDigit, parseDtmfLog } from '../../src/media/dtmf-events.ts';
import { toneSamples, US_RINGBACK, wavFile, writeDefaultRingback } from '../../src/media/ringback.ts';
import { powerAt } from './support/g711.ts';

describe('DTMF events', () => {
  it('maps RFC 4733 events 0–15 to digits and back', () => {
    expect([0, 9, 10, 11, 12, 15].map(eventToDigit)).toEqual(['0', '9', '*', '#', 'A', 'D']);
    expect(eventToDigit(16)).toBeUndefined();
    expect(digitToEvent('#')).toBe(11);
    expect(digitToEvent('d')).toBe(15);
    expect(() => digitToEvent('12')).toThrow('not a DTMF digit');
  });

  it('parses the datagram rtpengine 10.5 sends, and ignores anything else without throwing', () => {
    const datagram =
      '{"callid":"c1","source_tag":"a","tags":["a","b"],"type":"DTMF","timestamp":1795459332,"source_ip":"127.0.0.1","event":5,"duration":80,"volume":10}';
    expect(parseDtmfLog(datagram)).toEqual({
      callId: 'c1',
      sourceTag: 'a',
      digit: '5',
      durationMs: 80,
      volume: 10,
    });
    for (const junk of [
      '',
      'not json',
      'null',
      '[]',
      '{"callid":1,"event":5}',
      '{"callid":"c","event":99}',
    ]) {
      expect(parseDtmfLog(junk)).toBeUndefined();
    }
  });
});

describe('ringback tone', () => {
  it('is a valid 8 kHz mono 16-bit WAV of 440+480 Hz with a silent part', () => {
    const path = writeDefaultRingback();
    const wav = readFileSync(path);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    const samples = toneSamples(US_RINGBACK);
    expect(samples.length).toBe(8000 * 6);
    const on = Array.from(samples.subarray(0, 8000));
    expect(powerAt(on, 440)).toBeGreaterThan(100 * powerAt(on, 1000));
    expect(powerAt(on, 480)).toBeGreaterThan(100 * powerAt(on, 1000));
    expect(samples.subarray(16_000).every((x) => x === 0)).toBe(true);
    expect(wavFile(new Int16Array([1, -1])).length).toBe(48);
  });
});
