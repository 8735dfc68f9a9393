/**
 * G.711 μ-law and A-law (ITU-T G.711) for the tests: they encode a known tone,
 * send it through rtpengine, and decode what arrives to check the audio crossed.
 */
const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-CLIP, Math.min(CLIP, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

export function linearToAlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3;
  let mask = 0xd5;
  if (s < 0) {
    mask = 0x55;
    s = -s - 1;
  }
  // Segment end points (13-bit magnitude): 0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff.
  let segment = 0;
  for (const end of [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff]) {
    if (s <= end) break;
    segment++;
  }
  if (segment >= 8) return 0x7f ^ mask;
  const value = (segment << 4) | ((segment < 2 ? s >> 1 : s >> segment) & 0x0f);
  return value ^ mask;
}

export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 0x108;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

export const encodeUlaw = (samples: ArrayLike<number>): Buffer =>
  Buffer.from(Array.from(samples, linearToUlaw));
export const encodeAlaw = (samples: ArrayLike<number>): Buffer =>
  Buffer.from(Array.from(samples, linearToAlaw));
export const decodeUlaw = (bytes: Uint8Array): number[] => Array.from(bytes, ulawToLinear);
export const decodeAlaw = (bytes: Uint8Array): number[] => Array.from(bytes, alawToLinear);

/** A sine tone, `count` samples at 8 kHz starting at sample `offset` (continuous across packets). */
export function tone(frequency: number, count: number, offset = 0, amplitude = 8000): number[] {
  return Array.from(
    { length: count },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * (offset + i)) / 8000),
  );
}

/** Goertzel power of `frequency` in the samples, normalised by length. */
export function powerAt(samples: readonly number[], frequency: number, rate = 8000): number {
  const k = (2 * Math.PI * frequency) / rate;
  const coefficient = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / (samples.length * samples.length);
}

export function rms(samples: readonly number[]): number {
  return Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / Math.max(1, samples.length));
}
