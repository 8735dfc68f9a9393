/**
 * SRTP for the tests (RFC 3711), AES_CM_128_HMAC_SHA1_80 and _32 only: key
 * derivation (§4.3, key derivation rate 0), AES counter mode (§4.1.1) and the
 * HMAC-SHA1 authentication tag over the packet and the rollover counter (§4.2).
 * Small and plain on purpose: it checks rtpengine's SRTP, so it must not share code with it.
 */
import { createCipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TestSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpKeys {
  suite: TestSuite;
  /** 16-byte master key followed by the 14-byte master salt, as in a=crypto inline: (RFC 4568 §6.1). */
  masterKeySalt: Buffer;
}

export function newKeys(suite: TestSuite = 'AES_CM_128_HMAC_SHA1_80'): SrtpKeys {
  return { suite, masterKeySalt: randomBytes(30) };
}

export function cryptoLine(tag: number, keys: SrtpKeys): string {
  return `a=crypto:${tag} ${keys.suite} inline:${keys.masterKeySalt.toString('base64')}`;
}

/** Keys from an SDP's a=crypto line (the first one, or the one of `suite`). */
export function keysFromSdp(sdp: string, suite?: TestSuite): SrtpKeys {
  for (const match of sdp.matchAll(/a=crypto:\d+ (\S+) inline:([A-Za-z0-9+/=]+)/g)) {
    const found = match[1] as string;
    if (suite && found !== suite) continue;
    if (found !== 'AES_CM_128_HMAC_SHA1_80' && found !== 'AES_CM_128_HMAC_SHA1_32') continue;
    return { suite: found, masterKeySalt: Buffer.from(match[2] as string, 'base64') };
  }
  throw new Error(`no usable a=crypto line in SDP:\n${sdp}`);
}

function aesCm(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** RFC 3711 §4.3.1 with kdr = 0: x = label (at byte 7) XOR master salt; output = AES-CM(master key, x·2^16). */
export function derive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0, 0, 14);
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

  constructor(keys: SrtpKeys) {
    const masterKey = keys.masterKeySalt.subarray(0, 16);
    const masterSalt = keys.masterKeySalt.subarray(16, 30);
    this.encryptionKey = derive(masterKey, masterSalt, 0x00, 16);
    this.authKey = derive(masterKey, masterSalt, 0x01, 20);
    this.salt = derive(masterKey, masterSalt, 0x02, 14);
    this.tagLength = keys.suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
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
    const index = (BigInt(this.roc) << 16n) | BigInt(seq);
    const payload = aesCm(
      this.encryptionKey,
      this.iv(rtp.readUInt32BE(8), index),
      rtp.subarray(headerLength),
    );
    const packet = Buffer.concat([rtp.subarray(0, headerLength), payload]);
    return Buffer.concat([packet, this.tag(packet, this.roc)]);
  }

  /** The plain RTP packet, or undefined when the authentication tag does not verify. */
  unprotect(srtp: Buffer): Buffer | undefined {
    if (srtp.length < 12 + this.tagLength) return undefined;
    const packet = srtp.subarray(0, srtp.length - this.tagLength);
    const seq = packet.readUInt16BE(2);
    const { roc, index } = this.estimate(seq);
    const expected = this.tag(packet, roc);
    if (!timingSafeEqual(expected, srtp.subarray(srtp.length - this.tagLength))) return undefined;
    this.accept(seq, roc);
    const headerLength = rtpHeaderLength(packet);
    const payload = aesCm(
      this.encryptionKey,
      this.iv(packet.readUInt32BE(8), index),
      packet.subarray(headerLength),
    );
    return Buffer.concat([packet.subarray(0, headerLength), payload]);
  }
}

/** RFC 3550 §5.1: fixed header, CSRCs, header extension. */
export function rtpHeaderLength(packet: Buffer): number {
  const first = packet[0] as number;
  let length = 12 + 4 * (first & 0x0f);
  if (first & 0x10) length += 4 + 4 * packet.readUInt16BE(length + 2);
  return length;
}
