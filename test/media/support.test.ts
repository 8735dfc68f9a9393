/**
 * The test-side SRTP and G.711 must be right before they judge rtpengine:
 * RFC 3711 Appendix B.3 key derivation vectors, SRTP round trip and tamper
 * detection, and G.711 round trips within the codec's quantisation error.
 */
import { describe, expect, it } from 'vitest';
import { alawToLinear, linearToAlaw, linearToUlaw, powerAt, tone, ulawToLinear } from './support/g711.ts';
import { buildRtp } from './support/rtp.ts';
import { derive, newKeys, SrtpContext } from './support/srtp.ts';

describe('test SRTP (RFC 3711)', () => {
  it('derives the Appendix B.3 session keys', () => {
    const masterKey = Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex');
    const masterSalt = Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex');
    expect(derive(masterKey, masterSalt, 0, 16).toString('hex')).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(derive(masterKey, masterSalt, 2, 14).toString('hex')).toBe('30cbbc08863d8c85d49db34a9ae1');
    expect(derive(masterKey, masterSalt, 1, 20).toString('hex')).toBe(
      'cebe321f6ff7716b6fd4ab49af256a156d38baa4',
    );
  });

  it.each(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_256_GCM'] as const)(
    '%s round-trips and rejects tampering',
    (suite) => {
      const keys = newKeys(suite);
      const sender = new SrtpContext(keys);
      const receiver = new SrtpContext(keys);
      const rtp = buildRtp({
        payloadType: 0,
        marker: false,
        seq: 65535,
        timestamp: 1,
        ssrc: 42,
        payload: Buffer.alloc(160, 7),
      });
      const protectedPacket = sender.protect(rtp);
      expect(protectedPacket.length).toBe(
        rtp.length + { AES_CM_128_HMAC_SHA1_80: 10, AES_CM_128_HMAC_SHA1_32: 4, AEAD_AES_256_GCM: 16 }[suite],
      );
      expect(protectedPacket.subarray(12, 172).equals(rtp.subarray(12))).toBe(false);
      expect(receiver.unprotect(protectedPacket)?.equals(rtp)).toBe(true);
      const next = buildRtp({
        payloadType: 0,
        marker: false,
        seq: 0,
        timestamp: 161,
        ssrc: 42,
        payload: Buffer.alloc(160, 9),
      });
      expect(receiver.unprotect(sender.protect(next))?.equals(next)).toBe(true);
      const tampered = Buffer.from(protectedPacket);
      tampered[20] = (tampered[20] as number) ^ 1;
      expect(new SrtpContext(keys).unprotect(tampered)).toBeUndefined();
    },
  );
});

describe('test G.711', () => {
  it('μ-law and A-law round-trip within quantisation error', () => {
    for (const x of [-32000, -1000, -10, 0, 10, 1000, 8000, 32000]) {
      expect(Math.abs(ulawToLinear(linearToUlaw(x)) - x)).toBeLessThanOrEqual(
        Math.max(8, Math.abs(x) * 0.07),
      );
      expect(Math.abs(alawToLinear(linearToAlaw(x)) - x)).toBeLessThanOrEqual(
        Math.max(16, Math.abs(x) * 0.07),
      );
    }
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
  });

  it('finds a tone by its Goertzel power', () => {
    const samples = tone(1000, 800);
    expect(powerAt(samples, 1000)).toBeGreaterThan(100 * powerAt(samples, 400));
  });
});
