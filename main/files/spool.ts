// Decrypts a verified receive spool into the file the user chose: chunk by chunk, all checks again, no partial output left behind.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { CHUNK_FRAME_HEADER_BYTES, CHUNK_TAG_BYTES, readChunkFrameHeader } from '../../protocol/file-frames';
import { EngineError } from './engine-error';
import { chunkCountFor, chunkLength, ctEqual, openChunk, wipe, type CryptoBackend } from '../crypto';

export interface SpoolKey { key: Uint8Array; transferId: Uint8Array; size: number; chunkSize: number; sha256: Uint8Array }

/** Writes all of `bytes` (writeSync may write less than asked). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let o = 0; o < bytes.length;) o += writeSync(fd, bytes, o, bytes.length - o);
}

function readExactly(fd: number, out: Uint8Array, position: number): void {
  for (let o = 0; o < out.length;) {
    const n = readSync(fd, out, o, out.length - o, position + o);
    if (n === 0) throw new EngineError('malformed', 'spool is shorter than the transfer');
    o += n;
  }
}

/**
 * The spool is the chunk frames exactly as received and verified, in index order (PROTOCOL.md 14.4), so record `i`
 * starts at i × (25 + chunkSize + 16). Plaintext is written only to `destPath`, the file the user chose in main's
 * dialog (which already confirmed any replacement): no plaintext temp file ever exists. Every chunk is opened again
 * and the SHA-256 checked again; on any failure the partial output is deleted.
 */
export function saveSpool(backend: CryptoBackend, t: SpoolKey, spoolPath: string, destPath: string): void {
  const count = chunkCountFor(t.size, t.chunkSize);
  const recordBytes = CHUNK_FRAME_HEADER_BYTES + t.chunkSize + CHUNK_TAG_BYTES;
  const hash = createHash('sha256');
  const spool = openSync(spoolPath, 'r');
  let out: number | null = null;
  try {
    out = openSync(destPath, 'w', 0o600);
    for (let i = 0; i < count; i++) {
      const frame = new Uint8Array(CHUNK_FRAME_HEADER_BYTES + chunkLength(t.size, t.chunkSize, i) + CHUNK_TAG_BYTES);
      readExactly(spool, frame, i * recordBytes);
      const header = readChunkFrameHeader(frame);
      if (!header || header.index !== i || !ctEqual(header.transferId, t.transferId)) throw new EngineError('malformed', 'spool record does not belong here');
      const plaintext = openChunk(backend, t.key, frame);
      if (!plaintext) throw new EngineError('decrypt-failed', 'spool chunk does not authenticate');
      hash.update(plaintext);
      writeAll(out, plaintext);
      wipe(plaintext);
    }
    if (!ctEqual(new Uint8Array(hash.digest()), t.sha256)) throw new EngineError('hash-mismatch', 'saved file hash does not match the manifest');
    closeSync(out);
    out = null;
  } catch (err) {
    if (out !== null) closeSync(out);
    rmSync(destPath, { force: true });
    throw err;
  } finally {
    closeSync(spool);
  }
}
