// File transfer crypto (PROTOCOL.md section 14): signed manifest codec, per-transfer key, chunk nonce, chunk seal/open.
import { FILE_LIMITS } from '../../protocol/file-limits';
import { CHUNK_FRAME_HEADER_BYTES, CHUNK_TAG_BYTES, readChunkFrameHeader, TRANSFER_ID_BYTES, writeChunkFrameHeader,
  type ChunkFrameHeader } from '../../protocol/file-frames';
import type { CryptoBackend } from './backend';
import { concatBytes, ctEqual, readU64be, u16be, u32be, u64be, u8, utf8 } from './bytes';
import { aeadOpen, aeadSeal, ed25519Verify, hkdfSha256, sha256 } from './primitives';

/** Version 2: the manifest commits to what is known before the file is read; the whole-file hash is in the signed final (file-final.ts). */
export const FILE_MANIFEST_VERSION = 0x02;
export const FILE_LABELS = { manifest: 'veil/v2/file-manifest\0', key: 'veil/v1/file-key\0', final: 'veil/v2/file-final\0' } as const;
export const FILE_OFFER_SIGNATURE_BYTES = 64;
/** Bytes before the variable-length tail (roomId, name, mime). */
const FIXED_BYTES = 137;

export interface FileManifest {
  transferId: Uint8Array; senderIdentityKey: Uint8Array; recipientIdentityKey: Uint8Array;
  /** S: the sender's room keyId of the session; T: the recipient's. */
  senderKeyId: Uint8Array; recipientKeyId: Uint8Array;
  size: number; chunkSize: number; chunkCount: number; createdAt: number;
  roomId: string; name: string; mime: string;
}
/** chunkCount is always computed from size and chunkSize, never chosen by the caller. */
export type FileManifestFields = Omit<FileManifest, 'chunkCount'>;

export type FileOfferReason = 'malformed' | 'signature';
export interface FileOfferReject { ok: false; reason: FileOfferReason; detail: string }
export type ManifestDecodeResult = { ok: true; manifest: FileManifest } | FileOfferReject;
export type OfferVerifyResult = { ok: true; manifest: FileManifest; manifestBytes: Uint8Array } | FileOfferReject;

export function chunkCountFor(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Plaintext length of chunk `index` (the last one may be short; an empty file is one empty chunk). */
export function chunkLength(size: number, chunkSize: number, index: number): number {
  return Math.max(0, Math.min(chunkSize, size - index * chunkSize));
}

/** Why a display name breaks the manifest rules (1…255 UTF-8 bytes, no `/`, `\`, NUL or control characters), or null. */
export function fileNameProblem(name: string): string | null {
  const bytes = utf8(name).length;
  if (bytes < 1 || bytes > FILE_LIMITS.maxNameLength) return 'name must be 1 to 255 UTF-8 bytes';
  if (/[/\\\p{Cc}]/u.test(name)) return 'name contains a path separator or a control character';
  if (/[\uD800-\uDFFF]/u.test(name)) return 'name contains a lone surrogate';
  return null;
}

export function mimeProblem(mime: string): string | null {
  if (mime.length > FILE_LIMITS.maxMimeLength) return 'mime longer than 127 bytes';
  return /^[\x20-\x7e]*$/.test(mime) ? null : 'mime is not printable ASCII';
}

function fieldsProblem(m: FileManifestFields): string | null {
  const ids: [Uint8Array, number, string][] = [[m.transferId, TRANSFER_ID_BYTES, 'transferId'], [m.senderIdentityKey, 32, 'senderIdentityKey'],
    [m.recipientIdentityKey, 32, 'recipientIdentityKey'], [m.senderKeyId, 16, 'senderKeyId'], [m.recipientKeyId, 16, 'recipientKeyId']];
  for (const [b, n, what] of ids) if (b.length !== n) return `${what} must be ${n} bytes`;
  if (!Number.isSafeInteger(m.size) || m.size < 0 || m.size > FILE_LIMITS.hardMaxFileBytes) return 'size out of range';
  if (!Number.isInteger(m.chunkSize) || m.chunkSize < FILE_LIMITS.minChunkBytes || m.chunkSize > FILE_LIMITS.maxChunkBytes) return 'chunkSize out of range';
  if (!Number.isSafeInteger(m.createdAt) || m.createdAt < 0) return 'createdAt out of range';
  const room = utf8(m.roomId).length;
  if (room < 1 || room > 255 || /[\uD800-\uDFFF]/u.test(m.roomId)) return 'roomId must be 1 to 255 UTF-8 bytes';
  return fileNameProblem(m.name) ?? mimeProblem(m.mime);
}

/** The canonical manifest bytes (section 14.1, version 2). Throws RangeError on fields the decoder would refuse. */
export function encodeManifest(m: FileManifestFields): Uint8Array {
  const problem = fieldsProblem(m);
  if (problem) throw new RangeError(`bad manifest: ${problem}`);
  const name = utf8(m.name);
  const room = utf8(m.roomId);
  return concatBytes(u8(FILE_MANIFEST_VERSION), m.transferId, m.senderIdentityKey, m.recipientIdentityKey, m.senderKeyId, m.recipientKeyId,
    u64be(m.size), u32be(m.chunkSize), u32be(chunkCountFor(m.size, m.chunkSize)), u64be(m.createdAt),
    u8(room.length), room, u16be(name.length), name, u8(m.mime.length), utf8(m.mime));
}

/** Strict UTF-8 (no overlongs, surrogates or values above U+10FFFF); null when `bytes` is not exactly that. */
function decodeUtf8(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= bytes.length) return null;
    let cp = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n === 2 && cp < 0x800) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

/** Parses a manifest exactly: no trailing bytes, every length in range, chunkCount consistent with size. */
export function decodeManifest(bytes: Uint8Array): ManifestDecodeResult {
  const bad = (detail: string): FileOfferReject => ({ ok: false, reason: 'malformed', detail });
  if (bytes.length < FIXED_BYTES + 1 + 2 + 1) return bad('manifest too short');
  if (bytes[0] !== FILE_MANIFEST_VERSION) return bad('unknown manifest version');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = readU64be(bytes, 113);
  const createdAt = readU64be(bytes, 129);
  const chunkSize = dv.getUint32(121);
  const chunkCount = dv.getUint32(125);
  if (size === null || size > FILE_LIMITS.hardMaxFileBytes) return bad('size out of range');
  if (chunkSize < FILE_LIMITS.minChunkBytes || chunkSize > FILE_LIMITS.maxChunkBytes) return bad('chunkSize out of range');
  if (chunkCount !== chunkCountFor(size, chunkSize)) return bad('chunkCount does not match size');
  if (createdAt === null) return bad('createdAt out of range');
  let o = FIXED_BYTES;
  const roomLen = bytes[o]!;
  o += 1;
  if (roomLen < 1 || o + roomLen + 2 > bytes.length) return bad('roomId length out of range');
  const roomId = decodeUtf8(bytes.subarray(o, o + roomLen));
  o += roomLen;
  const nameLen = (bytes[o]! << 8) | bytes[o + 1]!;
  o += 2;
  if (nameLen < 1 || nameLen > FILE_LIMITS.maxNameLength || o + nameLen + 1 > bytes.length) return bad('name length out of range');
  const name = decodeUtf8(bytes.subarray(o, o + nameLen));
  o += nameLen;
  const mimeLen = bytes[o]!;
  o += 1;
  if (mimeLen > FILE_LIMITS.maxMimeLength) return bad('mime length out of range');
  if (o + mimeLen !== bytes.length) return bad('manifest length does not match its fields');
  const mime = String.fromCharCode(...bytes.subarray(o, o + mimeLen));
  if (roomId === null) return bad('roomId is not UTF-8');
  if (name === null) return bad('name is not UTF-8');
  const nameIssue = fileNameProblem(name) ?? mimeProblem(mime);
  if (nameIssue) return bad(nameIssue);
  return { ok: true, manifest: {
    transferId: bytes.slice(1, 17), senderIdentityKey: bytes.slice(17, 49), recipientIdentityKey: bytes.slice(49, 81),
    senderKeyId: bytes.slice(81, 97), recipientKeyId: bytes.slice(97, 113), size, chunkSize, chunkCount,
    createdAt, roomId, name, mime } };
}

const manifestSigInput = (manifest: Uint8Array) => concatBytes(utf8(FILE_LABELS.manifest), manifest);

/** offer = manifest ‖ Ed25519(seed, label ‖ manifest). The seed must belong to `senderIdentityKey` (checked). */
export function signOffer(backend: CryptoBackend, seed: Uint8Array, fields: FileManifestFields): Uint8Array {
  const manifest = encodeManifest(fields);
  const pub = backend.ed25519PublicKey(seed);
  if (!ctEqual(pub, fields.senderIdentityKey)) throw new RangeError('seed does not match senderIdentityKey');
  return concatBytes(manifest, backend.ed25519Sign(manifestSigInput(manifest), seed));
}

/** Parses first, then verifies the signature strictly under the sender identity key the manifest names. */
export function verifyOffer(backend: CryptoBackend, offer: Uint8Array): OfferVerifyResult {
  if (offer.length > FILE_LIMITS.maxOfferBytes) return { ok: false, reason: 'malformed', detail: 'offer too long' };
  if (offer.length < FILE_OFFER_SIGNATURE_BYTES) return { ok: false, reason: 'malformed', detail: 'offer too short' };
  const manifestBytes = offer.slice(0, offer.length - FILE_OFFER_SIGNATURE_BYTES);
  const parsed = decodeManifest(manifestBytes);
  if (!parsed.ok) return parsed;
  const sig = offer.subarray(offer.length - FILE_OFFER_SIGNATURE_BYTES);
  if (!ed25519Verify(backend, sig, manifestSigInput(manifestBytes), parsed.manifest.senderIdentityKey)) {
    return { ok: false, reason: 'signature', detail: 'manifest signature does not verify' };
  }
  return { ok: true, manifest: parsed.manifest, manifestBytes };
}

/** fileKey = HKDF-SHA-256(directionKey, salt = transferId, info = label ‖ SHA-256(manifest), 32) — section 14.2. */
export function deriveFileKey(backend: CryptoBackend, directionKey: Uint8Array, transferId: Uint8Array, manifestBytes: Uint8Array): Uint8Array {
  if (directionKey.length !== 32) throw new RangeError('direction key must be 32 bytes');
  if (transferId.length !== TRANSFER_ID_BYTES) throw new RangeError('transferId must be 16 bytes');
  return hkdfSha256(directionKey, transferId, concatBytes(utf8(FILE_LABELS.key), sha256(manifestBytes)), 32, backend);
}

/** nonce = 00 00 00 00 ‖ u32(attempt) ‖ u32(index). */
export function chunkNonce(attempt: number, index: number): Uint8Array {
  return concatBytes(new Uint8Array(4), u32be(attempt), u32be(index));
}

/** header ‖ ChaCha20-Poly1305(fileKey, nonce(attempt, index), AAD = the 25-byte header, plaintext). */
/**
 * Seals one chunk into a frame. `headroom` bytes are left free in front of the frame in the same buffer (the returned
 * view starts after them), so a caller can prepend its own header without copying the frame again.
 */
export function sealChunk(backend: CryptoBackend, fileKey: Uint8Array, header: ChunkFrameHeader, plaintext: Uint8Array, headroom = 0): Uint8Array {
  const out = new Uint8Array(headroom + CHUNK_FRAME_HEADER_BYTES + plaintext.length + CHUNK_TAG_BYTES);
  const frame = out.subarray(headroom);
  const head = frame.subarray(0, CHUNK_FRAME_HEADER_BYTES);
  writeChunkFrameHeader(head, header);
  frame.set(aeadSeal('chacha20-poly1305', fileKey, chunkNonce(header.attempt, header.index), head, plaintext, backend), CHUNK_FRAME_HEADER_BYTES);
  return frame;
}

/** The plaintext of a chunk frame, or null when it is not a chunk frame or the tag does not verify. */
export function openChunk(backend: CryptoBackend, fileKey: Uint8Array, frame: Uint8Array): Uint8Array | null {
  const header = readChunkFrameHeader(frame);
  if (!header) return null;
  return aeadOpen('chacha20-poly1305', fileKey, chunkNonce(header.attempt, header.index), frame.subarray(0, CHUNK_FRAME_HEADER_BYTES),
    frame.subarray(CHUNK_FRAME_HEADER_BYTES), backend);
}
