/**
 * The default ringback file: a WAV (8 kHz, 16-bit mono PCM) of one cadence of a
 * ringing tone, written once at start-up so a fresh machine needs no sound files.
 * rtpengine's `play media` reads it from disk (its `blob` input is unreliable
 * through rtpengine-client, see ../shared/notes-rtpengine.md).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToneSpec {
  /** Tone frequencies in Hz, mixed (ITU-T E.180: 425 Hz in Europe; 440+480 Hz in North America). */
  frequencies: number[];
  onMs: number;
  offMs: number;
  sampleRate?: number;
}

export const US_RINGBACK: ToneSpec = { frequencies: [440, 480], onMs: 2000, offMs: 4000 };

/** PCM samples of one on/off cadence. */
export function toneSamples(spec: ToneSpec): Int16Array {
  const rate = spec.sampleRate ?? 8000;
  const on = Math.round((rate * spec.onMs) / 1000);
  const samples = new Int16Array(on + Math.round((rate * spec.offMs) / 1000));
  const amplitude = 8000 / spec.frequencies.length;
  for (let i = 0; i < on; i++) {
    let value = 0;
    for (const f of spec.frequencies) value += amplitude * Math.sin((2 * Math.PI * f * i) / rate);
    samples[i] = Math.round(value);
  }
  return samples;
}

/** A RIFF/WAVE file (PCM, mono, 16-bit) holding the samples. */
export function wavFile(samples: Int16Array, sampleRate = 8000): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Writes the default ringback WAV into a fresh temporary directory and returns its path. */
export function writeDefaultRingback(spec: ToneSpec = US_RINGBACK): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sbc-media-')), 'ringback.wav');
  writeFileSync(path, wavFile(toneSamples(spec), spec.sampleRate ?? 8000));
  return path;
}
