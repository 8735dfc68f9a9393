/**
 * SRTP for the tests (RFC 3711): key derivation (§4.3, key derivation rate 0),
 * AES counter mode (§4.1.1) with the HMAC-SHA1 tag over the packet and the
 * rollover counter (§4.2) for AES_CM_128_HMAC_SHA1_80/_32, and AES-256-GCM
 * (RFC 7714) for AEAD_AES_256_GCM. Small and plain on purpose: it checks
 * rtpengine's SRTP, so it must not share code with it.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TestSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_256_GCM';

/** Master key and salt lengths (RFC 4568 §6.2, RFC 7714 §12). */
const LENGTHS: Record<TestSuite, { key: number; salt: number }> = {
  AES_CM_128_HMAC_SHA1_80: { key: 16, salt: 14 },
  AES_CM_128_HMAC_SHA1_32: { key: 16, salt: 14 },
  AEAD_AES_256_GCM: { key: 32, salt: 12 },
};

export interface SrtpKeys {
  suite: TestSuite;
  /** Master key followed by the master salt, as in a=crypto inline: (RFC 4568 §6.1). */
  masterKeySalt: Buffer;
}

export function newKeys(suite: TestSuite = 'AES_CM_128_HMAC_SHA1_80'): SrtpKeys {
  return { suite, masterKeySalt: randomBytes(LENGTHS[suite].key + LENGTHS[suite].salt) };
}

export function cryptoLine(tag: number, keys: SrtpKeys): string {
  return `a=crypto:${tag} ${keys.suite} inline:${keys.masterKeySalt.toString('base64')}`;
}

/** Keys from an SDP's a=crypto line (the first one, or the one of `suite`). */
export function keysFromSdp(sdp: string, suite?: TestSuite): SrtpKeys {
  for (const match of sdp.matchAll(/a=crypto:\d+ (\S+) inline:([A-Za-z0-9+/=]+)/g)) {
    const found = match[1] as string;
    if (suite && found !== suite) continue;
    if (!(found in LENGTHS)) continue;
    return { suite: found as TestSuite, masterKeySalt: Buffer.from(match[2] as string, 'base64') };
  }
  throw new Error(`no usable a=crypto line in SDP:\n${sdp}`);
}

function aesCm(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv(key.length === 32 ? 'aes-256-ctr' : 'aes-128-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * RFC 3711 §4.3.1 with kdr = 0: x = label (at byte 7) XOR master salt; output = AES-CM(master key, x·2^16).
 * A 96-bit AEAD master salt is used left-aligned (RFC 7714 §11), i.e. followed by zero bits.
 */
export function derive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0, 0, Math.min(14, masterSalt.length));
  iv[7] = (iv[7] as number) ^ label;
  return aesCm(masterKey, iv, Buffer.alloc(length));
}

export class SrtpContext {
  private readonly encryptionKey: Buffer;
  private readonly authKey: Buffer;
  private readonly salt: Buffer;
  private readonly tagLength: number;
  /** Rollover counter and highest sequence number seen/sent (RFC 3711 §3.3.1). */
  private roc = 0;
  private lastSeq: number | undefined;

  /** AEAD_AES_256_GCM (RFC 7714): no separate auth key, a 16-byte GCM tag. */
  private readonly gcm: boolean;

  constructor(keys: SrtpKeys) {
    const lengths = LENGTHS[keys.suite];
    const masterKey = keys.masterKeySalt.subarray(0, lengths.key);
    const masterSalt = keys.masterKeySalt.subarray(lengths.key, lengths.key + lengths.salt);
    this.gcm = keys.suite === 'AEAD_AES_256_GCM';
    this.encryptionKey = derive(masterKey, masterSalt, 0x00, lengths.key);
    this.authKey = this.gcm ? Buffer.alloc(0) : derive(masterKey, masterSalt, 0x01, 20);
    this.salt = derive(masterKey, masterSalt, 0x02, lengths.salt);
    this.tagLength = this.gcm ? 16 : keys.suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
  }

  /** RFC 7714 §8.1: (0x0000 || SSRC || ROC || SEQ) XOR the 96-bit session salt. */
  private gcmIv(ssrc: number, roc: number, seq: number): Buffer {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(ssrc >>> 0, 2);
    iv.writeUInt32BE(roc >>> 0, 6);
    iv.writeUInt16BE(seq, 10);
    for (let i = 0; i < 12; i++) iv[i] = (iv[i] as number) ^ (this.salt[i] as number);
    return iv;
  }

  private iv(ssrc: number, index: bigint): Buffer {
    const iv = Buffer.alloc(16);
    this.salt.copy(iv, 0);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    const low = iv.readUIntBE(8, 6);
    iv.writeUIntBE(Number(BigInt(low) ^ index), 8, 6);
    return iv;
  }

  private tag(authenticated: Buffer, roc: number): Buffer {
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc >>> 0);
    return createHmac('sha1', this.authKey)
      .update(authenticated)
      .update(rocBytes)
      .digest()
      .subarray(0, this.tagLength);
  }

  /** The packet index of a received sequence number (RFC 3711 Appendix A). */
  private estimate(seq: number): { roc: number; index: bigint } {
    let roc = this.roc;
    if (this.lastSeq !== undefined) {
      if (this.lastSeq < 32768 && seq - this.lastSeq > 32768) roc -= 1;
      else if (this.lastSeq >= 32768 && this.lastSeq - 32768 > seq) roc += 1;
    }
    return { roc, index: (BigInt(roc >>> 0) << 16n) | BigInt(seq) };
  }

  private accept(seq: number, roc: number): void {
    if (this.lastSeq === undefined || roc > this.roc || (roc === this.roc && seq > this.lastSeq)) {
      this.roc = roc;
      this.lastSeq = seq;
    }
  }

  protect(rtp: Buffer): Buffer {
    const headerLength = rtpHeaderLength(rtp);
    const seq = rtp.readUInt16BE(2);
    if (this.lastSeq !== undefined && seq < this.lastSeq && this.lastSeq - seq > 32768) this.roc += 1;
    this.lastSeq = seq;
    const header = rtp.subarray(0, headerLength);
    if (this.gcm) {
      const cipher = createCipheriv(
        'aes-256-gcm',
        this.encryptionKey,
        this.gcmIv(rtp.readUInt32BE(8), this.roc, seq),
      );
      cipher.setAAD(header);
      const sealed = Buffer.concat([cipher.update(rtp.subarray(headerLength)), cipher.final()]);
      return Buffer.concat([header, sealed, cipher.getAuthTag()]);
    }
    const index = (BigInt(this.roc) << 16n) | BigInt(seq);
    const payload = aesCm(
      this.encryptionKey,
      this.iv(rtp.readUInt32BE(8), index),
      rtp.subarray(headerLength),
    );
    const packet = Buffer.concat([header, payload]);
    return Buffer.concat([packet, this.tag(packet, this.roc)]);
  }

  /** The plain RTP packet, or undefined when the authentication tag does not verify. */
  unprotect(srtp: Buffer): Buffer | undefined {
    if (srtp.length < 12 + this.tagLength) return undefined;
    const packet = srtp.subarray(0, srtp.length - this.tagLength);
    const received = srtp.subarray(srtp.length - this.tagLength);
    const seq = packet.readUInt16BE(2);
    const { roc, index } = this.estimate(seq);
    const headerLength = rtpHeaderLength(packet);
    const header = packet.subarray(0, headerLength);
    let payload: Buffer;
    if (this.gcm) {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.encryptionKey,
        this.gcmIv(packet.readUInt32BE(8), roc, seq),
      );
      decipher.setAAD(header);
      decipher.setAuthTag(received);
      try {
        payload = Buffer.concat([decipher.update(packet.subarray(headerLength)), decipher.final()]);
      } catch {
        return undefined;
      }
    } else {
      if (!timingSafeEqual(this.tag(packet, roc), received)) return undefined;
      payload = aesCm(
        this.encryptionKey,
        this.iv(packet.readUInt32BE(8), index),
        packet.subarray(headerLength),
      );
    }
    this.accept(seq, roc);
    return Buffer.concat([header, payload]);
  }
}

/** RFC 3550 §5.1: fixed header, CSRCs, header extension. */
export function rtpHeaderLength(packet: Buffer): number {
  const first = packet[0] as number;
  let length = 12 + 4 * (first & 0x0f);
  if (first & 0x10) length += 4 + 4 * packet.readUInt16BE(length + 2);
  return length;
}
