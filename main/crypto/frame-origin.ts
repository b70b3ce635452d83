// Frame-origin digests (PROTOCOL.md §22a): the 23-byte header, the tag prefixes, and the sender's identity signature over them.
import type { CryptoBackend } from './backend';
import { concatBytes, lp8, readU64be, u16be, u32be, u64be, utf8 } from './bytes';
import { ed25519Verify } from './primitives';

export const FRAME_ORIGIN_SIG_LABEL = 'veil/v1/frame-origin-sig\0';
export const FRAME_ORIGIN_VERSION = 1;
/** version u8 ‖ kid u32 ‖ firstCtr u64 ‖ count u16 ‖ sentAt u64, all big-endian. */
export const FRAME_ORIGIN_HEADER_BYTES = 23;
export const FRAME_ORIGIN_TAG_BYTES = 8;
export const FRAME_ORIGIN_SIGNATURE_BYTES = 64;
/** Counters stop below 2^48 in the worker. */
const MAX_CTR = 2 ** 48 - 1;

export interface FrameOriginDigest { kid: number; firstCtr: number; sentAt: number; tags: Uint8Array }

function header(d: FrameOriginDigest): Uint8Array {
  const count = d.tags.length / FRAME_ORIGIN_TAG_BYTES;
  if (!Number.isInteger(count) || count < 1 || count > 0xffff) throw new RangeError('tags must be 1..65535 prefixes of 8 bytes');
  if (!Number.isSafeInteger(d.firstCtr) || d.firstCtr < 0 || d.firstCtr + count - 1 > MAX_CTR) throw new RangeError('counter out of range');
  return concatBytes(Uint8Array.of(FRAME_ORIGIN_VERSION), u32be(d.kid), u64be(d.firstCtr), u16be(count), u64be(d.sentAt));
}

const signedBytesOf = (roomId: string, body: Uint8Array) => concatBytes(utf8(FRAME_ORIGIN_SIG_LABEL), lp8(roomId), body);

/** header ‖ tags ‖ Ed25519(seed, label ‖ lp8(roomId) ‖ header ‖ tags). */
export function signFrameOrigin(backend: CryptoBackend, roomId: string, d: FrameOriginDigest, signingSeed: Uint8Array): Uint8Array {
  const body = concatBytes(header(d), d.tags);
  return concatBytes(body, backend.ed25519Sign(signedBytesOf(roomId, body), signingSeed));
}

export interface ParsedFrameOrigin { digest: FrameOriginDigest; body: Uint8Array; signature: Uint8Array }

/** Structure only (no key, no crypto): null when the version, a length or a field is wrong. */
export function parseFrameOrigin(bytes: Uint8Array, maxFrames: number): ParsedFrameOrigin | null {
  if (bytes.length < FRAME_ORIGIN_HEADER_BYTES + FRAME_ORIGIN_TAG_BYTES + FRAME_ORIGIN_SIGNATURE_BYTES || bytes[0] !== FRAME_ORIGIN_VERSION) return null;
  const kid = ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
  const firstCtr = readU64be(bytes, 5);
  const count = (bytes[13]! << 8) | bytes[14]!;
  const sentAt = readU64be(bytes, 15);
  if (firstCtr === null || sentAt === null || count < 1 || count > maxFrames || firstCtr + count - 1 > MAX_CTR) return null;
  const bodyLength = FRAME_ORIGIN_HEADER_BYTES + count * FRAME_ORIGIN_TAG_BYTES;
  if (bytes.length !== bodyLength + FRAME_ORIGIN_SIGNATURE_BYTES) return null;
  return { digest: { kid, firstCtr, sentAt, tags: bytes.subarray(FRAME_ORIGIN_HEADER_BYTES, bodyLength) },
    body: bytes.subarray(0, bodyLength), signature: bytes.subarray(bodyLength) };
}

/** The strict Ed25519 rule over the domain-separated bytes, against the identity key of the member the server named. */
export function verifyFrameOrigin(backend: CryptoBackend, parsed: ParsedFrameOrigin, roomId: string, senderIdentityKey: Uint8Array): boolean {
  return ed25519Verify(backend, parsed.signature, signedBytesOf(roomId, parsed.body), senderIdentityKey);
}
