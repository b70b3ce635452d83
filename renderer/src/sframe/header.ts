// RFC 9605 §4.3 SFrame header: config byte |X|K(3)|Y|C(3)| then the KID and CTR as minimal big-endian integers.

/** Largest KID or CTR the header can carry (64 bits). */
export const MAX_HEADER_VALUE = (1n << 64n) - 1n;
/** Longest header: config byte + 8-byte KID + 8-byte CTR. */
export const MAX_HEADER_BYTES = 17;

export interface SFrameHeader { kid: bigint; ctr: bigint }

/** Bytes needed for `v` in minimal big-endian form (1 for zero). */
function byteLength(v: bigint): number {
  let n = 1;
  while (v >> BigInt(8 * n) > 0n) n += 1;
  return n;
}

function writeBigEndian(out: Uint8Array, at: number, v: bigint, len: number): void {
  for (let i = len - 1; i >= 0; i -= 1) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The 3-bit field and the extension bytes for one value: values below 8 ride in the config byte. */
function field(v: bigint): { bits: number; extended: boolean; len: number } {
  if (v < 8n) return { bits: Number(v), extended: false, len: 0 };
  const len = byteLength(v);
  return { bits: len - 1, extended: true, len };
}

/** Encodes a header; throws RangeError on a KID or CTR outside 0..2^64-1 (a programming error, not input). */
export function encodeHeader(h: SFrameHeader): Uint8Array {
  if (h.kid < 0n || h.kid > MAX_HEADER_VALUE || h.ctr < 0n || h.ctr > MAX_HEADER_VALUE) throw new RangeError('sframe header value out of range');
  const k = field(h.kid);
  const c = field(h.ctr);
  const out = new Uint8Array(1 + k.len + c.len);
  out[0] = (k.extended ? 0x80 : 0) | (k.bits << 4) | (c.extended ? 0x08 : 0) | c.bits;
  if (k.extended) writeBigEndian(out, 1, h.kid, k.len);
  if (c.extended) writeBigEndian(out, 1 + k.len, h.ctr, c.len);
  return out;
}

export interface DecodedHeader extends SFrameHeader { headerLength: number }

/** Reads one extended value; null when truncated or not minimal (a leading zero byte, or a value below 8). */
function readValue(data: Uint8Array, at: number, len: number): bigint | null {
  if (at + len > data.length) return null;
  let v = 0n;
  for (let i = 0; i < len; i += 1) v = (v << 8n) | BigInt(data[at + i] ?? 0);
  if (v < 8n || (len > 1 && data[at] === 0)) return null;
  return v;
}

/**
 * Decodes the header at the start of `data`. Returns null on a truncated or non-minimal header: the same
 * (KID, CTR) then has exactly one header, so the authenticated bytes and the replay key cannot disagree.
 */
export function decodeHeader(data: Uint8Array): DecodedHeader | null {
  const config = data[0];
  if (config === undefined) return null;
  const kBits = (config >> 4) & 0x07;
  const cBits = config & 0x07;
  let at = 1;
  let kid = BigInt(kBits);
  if (config & 0x80) {
    const v = readValue(data, at, kBits + 1);
    if (v === null) return null;
    kid = v;
    at += kBits + 1;
  }
  let ctr = BigInt(cBits);
  if (config & 0x08) {
    const v = readValue(data, at, cBits + 1);
    if (v === null) return null;
    ctr = v;
    at += cBits + 1;
  }
  return { kid, ctr, headerLength: at };
}
