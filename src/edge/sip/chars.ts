// Character classes of the RFC 3261 §25.1 grammar, as one bit table so the
// hot loops test a byte with a single array read and mask.

export const TOKEN = 1; // token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
export const WORD = 2; // word: token chars plus ( ) < > : \ DQUOTE / [ ] ? { }
export const UNRESERVED = 4; // alphanum / mark
export const USER = 8; // unreserved / user-unreserved (& = + $ , ; ? /)
export const PASSWORD = 16; // unreserved / & = + $ ,
export const PARAM = 32; // paramchar: param-unreserved ([ ] / : & + $) / unreserved
export const HNV = 64; // hnv-unreserved ([ ] / ? : + $) / unreserved
export const URIC = 128; // uric: reserved / unreserved (for absoluteURI opaque parts)

const table = new Uint8Array(256);

function mark(chars: string, bits: number): void {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= bits;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
mark(ALNUM, TOKEN | WORD | UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC);
mark("-_.!~*'()", UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC);
mark("-.!%*_+`'~", TOKEN | WORD);
mark('()<>:\\"/[]?{}', WORD);
mark('&=+$,;?/', USER);
mark('&=+$,', PASSWORD);
mark('[]/:&+$', PARAM);
mark('[]/?:+$', HNV);
mark(';/?:@&=+$,', URIC);

export function is(code: number, cls: number): boolean {
  return code < 256 && (table[code]! & cls) !== 0;
}

/** True when every char of s[start, end) is in the class; with `escapes`, a % must start a valid %HH escape. */
export function allIn(s: string, start: number, end: number, cls: number, escapes: boolean): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 256 && (table[c]! & cls) !== 0) continue;
    if (escapes && c === 37 && i + 2 < end && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isLws(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** Skips SP, HTAB and (already unfolded, but tolerated) CR/LF. */
export function skipLws(s: string, i: number): number {
  while (i < s.length && isLws(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Trims SP, HTAB, CR and LF only. String.prototype.trim would also strip
 * U+00A0, which in a latin1-decoded head is the byte 0xA0: the last byte of
 * UTF-8 characters such as "à".
 */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isLws(s.charCodeAt(a))) a++;
  while (b > a && isLws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Decodes %HH escapes (RFC 3261 §19.1.2); the octets are read as UTF-8. */
export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      c = Number.parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    }
    if (c >= 0x80) ascii = false;
    bytes.push(c & 0xff);
  }
  return Buffer.from(bytes).toString(ascii ? 'latin1' : 'utf8');
}

/**
 * Percent-encodes (RFC 3261 §19.1.2, §25.1 `escaped`) every character of a decoded value outside
 * `cls`, as UTF-8 bytes, so the value can be written back into a URI and parse to the same value.
 */
export function escapeChars(value: string, cls: number): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out +=
      byte < 128 && (table[byte]! & cls) !== 0
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
