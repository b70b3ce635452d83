// The signed final message of a file transfer (PROTOCOL.md 14.6): the whole-file SHA-256, bound to its signed manifest.
import { TRANSFER_ID_BYTES } from '../../protocol/file-frames';
import type { CryptoBackend } from './backend';
import { concatBytes, ctEqual, readU64be, u32be, u64be, u8, utf8 } from './bytes';
import { FILE_LABELS } from './file-transfer';
import { ed25519Verify } from './primitives';

export const FILE_FINAL_VERSION = 0x01;
/** version 1 ‖ transferId 16 ‖ SHA-256(manifest) 32 ‖ size u64 ‖ chunkCount u32 ‖ SHA-256(file) 32. */
export const FILE_FINAL_BODY_BYTES = 93;
export const FILE_FINAL_BYTES = FILE_FINAL_BODY_BYTES + 64;

export interface FileFinalFields { transferId: Uint8Array; manifestHash: Uint8Array; size: number; chunkCount: number; fileSha256: Uint8Array }

/** What the receiver already knows from the verified manifest; the final must name exactly this transfer. */
export interface FileFinalExpect { transferId: Uint8Array; manifestHash: Uint8Array; senderIdentityKey: Uint8Array; size: number; chunkCount: number }

export type FileFinalReason = 'malformed' | 'signature' | 'wrong-transfer';
export type FileFinalResult = { ok: true; fileSha256: Uint8Array } | { ok: false; reason: FileFinalReason; detail: string };

export function encodeFinalBody(f: FileFinalFields): Uint8Array {
  if (f.transferId.length !== TRANSFER_ID_BYTES || f.manifestHash.length !== 32 || f.fileSha256.length !== 32) throw new RangeError('bad final fields');
  if (!Number.isSafeInteger(f.size) || f.size < 0 || !Number.isInteger(f.chunkCount) || f.chunkCount < 1 || f.chunkCount > 0xffffffff) {
    throw new RangeError('bad final size or chunkCount');
  }
  return concatBytes(u8(FILE_FINAL_VERSION), f.transferId, f.manifestHash, u64be(f.size), u32be(f.chunkCount), f.fileSha256);
}

const finalSigInput = (body: Uint8Array) => concatBytes(utf8(FILE_LABELS.final), body);

/** final = body ‖ Ed25519(seed, "veil/v2/file-final\0" ‖ body). The seed must be the identity the manifest names as sender. */
export function signFinal(backend: CryptoBackend, seed: Uint8Array, f: FileFinalFields): Uint8Array {
  const body = encodeFinalBody(f);
  return concatBytes(body, backend.ed25519Sign(finalSigInput(body), seed));
}

/**
 * Parses exactly, verifies the signature strictly under the manifest's sender, then checks that it names this
 * transfer: same transferId, same manifest hash, same size and chunk count. Only then is its file hash returned.
 */
export function verifyFinal(backend: CryptoBackend, final: Uint8Array, expect: FileFinalExpect): FileFinalResult {
  if (final.length !== FILE_FINAL_BYTES) return { ok: false, reason: 'malformed', detail: `final must be ${FILE_FINAL_BYTES} bytes` };
  if (final[0] !== FILE_FINAL_VERSION) return { ok: false, reason: 'malformed', detail: 'unknown final version' };
  const body = final.subarray(0, FILE_FINAL_BODY_BYTES);
  const size = readU64be(body, 49);
  if (size === null) return { ok: false, reason: 'malformed', detail: 'size out of range' };
  if (!ed25519Verify(backend, final.subarray(FILE_FINAL_BODY_BYTES), finalSigInput(body), expect.senderIdentityKey)) {
    return { ok: false, reason: 'signature', detail: 'final signature does not verify under the sender of the manifest' };
  }
  const chunkCount = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(57);
  const sameTransfer = ctEqual(body.subarray(1, 17), expect.transferId) && ctEqual(body.subarray(17, 49), expect.manifestHash)
    && size === expect.size && chunkCount === expect.chunkCount;
  if (!sameTransfer) return { ok: false, reason: 'wrong-transfer', detail: 'final names another transfer or manifest' };
  return { ok: true, fileSha256: body.slice(61, 93) };
}
