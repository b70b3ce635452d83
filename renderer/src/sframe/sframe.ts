// RFC 9605 SFrame for cipher suite AES_128_GCM_SHA256_128 (0x0004) over WebCrypto: key schedule, seal and open.
import { decodeHeader, encodeHeader, MAX_HEADER_VALUE } from './header';

export const CIPHER_SUITE = 0x0004;
/** AEAD.Nk, AEAD.Nn and AEAD.Nt of AES-128-GCM (bytes). */
export const KEY_BYTES = 16;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** Base keys are high-entropy secrets from main; anything shorter or longer is refused. */
export const MIN_BASE_KEY_BYTES = 16;
export const MAX_BASE_KEY_BYTES = 64;

/** Why a frame did not open. Every failure maps to one of these; nothing else escapes. */
export type OpenFailure = 'malformed' | 'unknown-kid' | 'auth-failed' | 'replay';
export type OpenResult = { ok: true; kid: bigint; ctr: bigint; plaintext: Uint8Array } | { ok: false; reason: OpenFailure };

const ascii = (s: string) => new TextEncoder().encode(s);

/** "SFrame 1.0 Secret key " or "... salt " ‖ KID (u64 BE) ‖ cipher suite (u16 BE), as in RFC 9605 §4.4.2. */
export function keyScheduleLabel(which: 'key' | 'salt', kid: bigint): Uint8Array<ArrayBuffer> {
  const prefix = ascii(`SFrame 1.0 Secret ${which} `);
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix);
  const v = new DataView(out.buffer);
  v.setBigUint64(prefix.length, kid);
  v.setUint16(prefix.length + 8, CIPHER_SUITE);
  return out;
}

/** sframe_key and sframe_salt as raw bytes: HKDF-SHA256 with an empty salt (Extract) then the two labels (Expand). */
export async function deriveKeyAndSalt(kid: bigint, baseKey: Uint8Array): Promise<{ key: Uint8Array; salt: Uint8Array }> {
  if (kid < 0n || kid > MAX_HEADER_VALUE) throw new RangeError('kid out of range');
  const ikm = await crypto.subtle.importKey('raw', baseKey as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveBits']);
  const expand = async (which: 'key' | 'salt', bytes: number) => new Uint8Array(await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: keyScheduleLabel(which, kid) }, ikm, bytes * 8));
  return { key: await expand('key', KEY_BYTES), salt: await expand('salt', NONCE_BYTES) };
}

/** One KID's keying material: a non-extractable AES-GCM key and the salt. */
export interface SFrameKey { kid: bigint; aead: CryptoKey; salt: Uint8Array }

/** Imports the derived key as non-extractable and wipes the raw key bytes. The base key stays the caller's to wipe. */
export async function importSFrameKey(kid: bigint, baseKey: Uint8Array): Promise<SFrameKey> {
  const { key, salt } = await deriveKeyAndSalt(kid, baseKey);
  try {
    const aead = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return { kid, aead, salt };
  } finally {
    key.fill(0);
  }
}

/** nonce = salt XOR CTR, the counter left-padded to Nn bytes (RFC 9605 §4.4.3). */
export function frameNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  const nonce = new Uint8Array(salt);
  let c = ctr;
  for (let i = NONCE_BYTES - 1; i >= NONCE_BYTES - 8; i -= 1) {
    nonce[i] = (nonce[i] ?? 0) ^ Number(c & 0xffn);
    c >>= 8n;
  }
  return nonce;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** header ‖ AES-GCM(key, nonce, aad = header ‖ metadata, plaintext) with the 16-byte tag appended. */
export async function sealFrame(key: SFrameKey, ctr: bigint, plaintext: Uint8Array, metadata: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
  const header = encodeHeader({ kid: key.kid, ctr });
  const sealed = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: frameNonce(key.salt, ctr) as Uint8Array<ArrayBuffer>, additionalData: concat(header, metadata), tagLength: TAG_BYTES * 8 },
    key.aead, plaintext as Uint8Array<ArrayBuffer>));
  return concat(header, sealed);
}

/** Parses the header only, so a caller can find the key (and check replay) before spending an AEAD open. */
export function peekFrame(frame: Uint8Array): { kid: bigint; ctr: bigint; headerLength: number } | null {
  const h = decodeHeader(frame);
  if (!h || frame.length < h.headerLength + TAG_BYTES) return null;
  return h;
}

/** Opens a frame with a known key. Never throws: a wrong key, a flipped bit or a short frame is a typed failure. */
export async function openFrame(key: SFrameKey, frame: Uint8Array, metadata: Uint8Array = new Uint8Array(0)): Promise<OpenResult> {
  const h = peekFrame(frame);
  if (!h) return { ok: false, reason: 'malformed' };
  if (h.kid !== key.kid) return { ok: false, reason: 'unknown-kid' };
  const header = frame.subarray(0, h.headerLength);
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: frameNonce(key.salt, h.ctr) as Uint8Array<ArrayBuffer>, additionalData: concat(header, metadata), tagLength: TAG_BYTES * 8 },
      key.aead, frame.subarray(h.headerLength) as Uint8Array<ArrayBuffer>);
    return { ok: true, kid: h.kid, ctr: h.ctr, plaintext: new Uint8Array(pt) };
  } catch {
    return { ok: false, reason: 'auth-failed' };
  }
}
