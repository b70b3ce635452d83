// Byte helpers for the crypto layer: constant-time equality, zeroization, concatenation and fixed-width integers.

/** Constant-time equality over byte strings: time depends only on the lengths, never on the contents. */
export function ctEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** True when every byte is zero, in constant time for a given length. */
export function ctIsZero(a: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i]!;
  return acc === 0;
}

/** Overwrites secret bytes with zeros; accepts any number of (possibly missing) buffers. */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u8(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new RangeError('u8 out of range');
  return Uint8Array.of(n);
}

export function u16be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError('u16 out of range');
  return Uint8Array.of(n >>> 8, n & 0xff);
}

export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('u32 out of range');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** Big-endian 64-bit encoding of a safe integer (0 ≤ n ≤ 2^53 − 1). */
export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('u64 out of range');
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(n / 0x1_0000_0000));
  dv.setUint32(4, n >>> 0);
  return out;
}

/** Reads a big-endian u64 at `offset`; returns null when it exceeds 2^53 − 1. */
export function readU64be(bytes: Uint8Array, offset: number): number | null {
  if (offset < 0 || offset + 8 > bytes.length) throw new RangeError('u64 read out of bounds');
  const hi = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  const lo = ((bytes[offset + 4]! << 24) | (bytes[offset + 5]! << 16) | (bytes[offset + 6]! << 8) | bytes[offset + 7]!) >>> 0;
  if (hi > 0x1f_ffff) return null;
  return hi * 0x1_0000_0000 + lo;
}

/** UTF-8 encoding (this layer has no TextEncoder in its lib); lone surrogates become U+FFFD. */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/** A length-prefixed (u8) ASCII/UTF-8 field, at most 255 bytes. */
export function lp8(text: string): Uint8Array {
  const b = utf8(text);
  return concatBytes(u8(b.length), b);
}
