// The file-transfer data plane: sealing (from disk or the page) with nonce-uniqueness and a running hash, in-order opening into an encrypted spool, the final check, save.
// Pure Node and synchronous, so it runs the same in-process (unit tests) and inside the chunk worker.
import { createHash, type Hash } from 'node:crypto';
import { mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../protocol/encoding';
import { CHUNK_FRAME_HEADER_BYTES, CHUNK_TAG_BYTES, PORT_REPLY_HEADER_BYTES, readChunkFrameHeader, TRANSFER_ID_BYTES } from '../../protocol/file-frames';
import { FILE_LIMITS } from '../../protocol/file-limits';
import { chunkCountFor, chunkLength, ctEqual, openChunk, sealChunk, wipe, type CryptoBackend } from '../crypto';
import { EngineError, type EngineStatus } from './engine-error';
import { checkUnchanged, closeSource, openSource, readChunk, type DiskSource, type OpenSource } from './disk-source';
import { saveSpool, writeAll } from './spool';

export { EngineError };

interface Send { kind: 'send'; key: Uint8Array; transferId: Uint8Array; size: number; chunkSize: number; chunkCount: number;
  attempt: number; lastAttempt: number; lastIndex: number;
  /** Running SHA-256 over chunks 0 … hashedUpTo − 1 as first sealed (a chunk sealed again after a resume is not hashed twice). */
  hash: Hash; hashedUpTo: number; digest: Uint8Array | null; source: OpenSource | null }
interface Receive { kind: 'receive'; key: Uint8Array; transferId: Uint8Array; size: number; chunkSize: number; chunkCount: number;
  attempt: number; next: number; hash: Hash | null; spoolFd: number | null;
  /** SHA-256 of every opened chunk, once the last one opened; the signed final's hash, once main verified it. */
  digest: Uint8Array | null; finalSha256: Uint8Array | null; complete: boolean }
type Entry = Send | Receive;

export interface OpenResult { transferId: Uint8Array; verifiedChunks: number; complete: boolean }

function checkGeometry(size: number, chunkSize: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > FILE_LIMITS.hardMaxFileBytes) throw new EngineError('malformed', 'size out of range');
  if (!Number.isInteger(chunkSize) || chunkSize < FILE_LIMITS.minChunkBytes || chunkSize > FILE_LIMITS.maxChunkBytes) {
    throw new EngineError('malformed', 'chunkSize out of range');
  }
}

export class TransferEngine {
  private readonly entries = new Map<string, Entry>();
  readonly spoolDir: string;

  constructor(dataDir: string, private readonly backend: CryptoBackend) {
    this.spoolDir = path.join(dataDir, 'transfers');
  }

  /** Spool of a receive transfer: `<dataDir>/transfers/<transferId hex>.spool`. */
  spoolPath(transferId: Uint8Array): string {
    return path.join(this.spoolDir, `${toHex(transferId)}.spool`);
  }

  private add(id: Uint8Array, entry: Entry): void {
    if (id.length !== TRANSFER_ID_BYTES) throw new EngineError('malformed', 'transfer id must be 16 bytes');
    if (this.entries.has(toHex(id))) throw new EngineError('bad-state', 'transfer id already in use');
    this.entries.set(toHex(id), entry);
  }

  private get<K extends Entry['kind']>(id: Uint8Array, kind: K): Extract<Entry, { kind: K }> {
    const e = this.entries.get(toHex(id));
    if (!e) throw new EngineError('not-found', 'unknown transfer');
    if (e.kind !== kind) throw new EngineError('bad-state', `transfer is not a ${kind} transfer`);
    return e as Extract<Entry, { kind: K }>;
  }

  has(id: Uint8Array): boolean {
    return this.entries.has(toHex(id));
  }

  /**
   * Takes ownership of `key` (wiped when the transfer ends). Seals start at attempt 1. With `source` (a file main
   * checked), this worker opens the file itself and only `sealFromDisk` may seal; without, the renderer brings the plaintext.
   */
  addSend(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number, source: DiskSource | null = null): void {
    checkGeometry(size, chunkSize);
    if (key.length !== 32) throw new EngineError('malformed', 'key must be 32 bytes');
    if (source && source.size !== size) throw new EngineError('malformed', 'source size does not match the transfer');
    if (this.entries.has(toHex(id))) throw new EngineError('bad-state', 'transfer id already in use');
    const opened = source ? openSource(source) : null;
    this.add(id, { kind: 'send', key, transferId: id.slice(), size, chunkSize, chunkCount: chunkCountFor(size, chunkSize),
      attempt: 1, lastAttempt: 0, lastIndex: 0, hash: createHash('sha256'), hashedUpTo: 0, digest: null, source: opened });
  }

  /** A resume: later seals must use `attempt`, which must be newer than the current one. */
  resume(id: Uint8Array, attempt: number): void {
    const s = this.get(id, 'send');
    if (!Number.isInteger(attempt) || attempt <= s.attempt || attempt > 0xffffffff) throw new EngineError('bad-state', 'attempt must increase');
    s.attempt = attempt;
  }

  /**
   * Seals chunk `index` under the current attempt. Every (attempt, index) must be strictly greater (attempt first) than
   * all pairs sealed before under this key, so a nonce never repeats whatever the renderer asks for.
   */
  seal(id: Uint8Array, attempt: number, index: number, plaintext: Uint8Array): Uint8Array {
    const s = this.get(id, 'send');
    if (s.source) throw new EngineError('bad-state', 'this transfer reads its file from disk');
    return this.sealChecked(s, attempt, index, plaintext);
  }

  /** Reads chunk `index` of the transfer's file (refused if the file changed since it was checked) and seals it. */
  sealFromDisk(id: Uint8Array, attempt: number, index: number): Uint8Array {
    const s = this.get(id, 'send');
    if (!s.source) throw new EngineError('bad-state', 'this transfer has no file on disk');
    if (!Number.isInteger(index) || index < 0 || index >= s.chunkCount) throw new EngineError('malformed', 'index out of range');
    const plaintext = new Uint8Array(chunkLength(s.size, s.chunkSize, index));
    try {
      readChunk(s.source, plaintext, index * s.chunkSize);
      return this.sealChecked(s, attempt, index, plaintext);
    } catch (err) {
      const e = err instanceof EngineError ? err : new EngineError('file-changed', 'the file could not be read any more', true);
      if (e.status === 'file-changed') this.forget(s.transferId);
      throw e;
    } finally {
      wipe(plaintext);
    }
  }

  /** The whole-file SHA-256, once every chunk was sealed at least once (the sender then signs the final message). */
  digest(id: Uint8Array): Uint8Array {
    const s = this.get(id, 'send');
    if (!s.digest) throw new EngineError('bad-state', 'not every chunk is sealed yet');
    if (s.source) checkUnchanged(s.source);
    return s.digest.slice();
  }

  private sealChecked(s: Send, attempt: number, index: number, plaintext: Uint8Array): Uint8Array {
    if (attempt < s.attempt) throw new EngineError('stale-attempt', 'attempt is older than the current one');
    if (attempt !== s.attempt) throw new EngineError('bad-state', 'attempt is not the current one');
    if (attempt < s.lastAttempt || (attempt === s.lastAttempt && index <= s.lastIndex)) {
      throw new EngineError('bad-state', 'this (attempt, index) is not after the last one sealed');
    }
    if (!Number.isInteger(index) || index < 0 || index >= s.chunkCount) throw new EngineError('malformed', 'index out of range');
    if (plaintext.length !== chunkLength(s.size, s.chunkSize, index)) throw new EngineError('malformed', 'chunk has the wrong length');
    // Room for the port reply header in front, so main answers the renderer without copying the frame.
    const frame = sealChunk(this.backend, s.key, { transferId: s.transferId, attempt, index }, plaintext, PORT_REPLY_HEADER_BYTES);
    s.lastAttempt = attempt;
    s.lastIndex = index;
    if (index === s.hashedUpTo) {
      s.hash.update(plaintext);
      s.hashedUpTo++;
      if (s.hashedUpTo === s.chunkCount) s.digest = new Uint8Array(s.hash.digest());
    }
    return frame;
  }

  /** Registers an incoming transfer (key owned from now on); nothing touches disk until `startReceive`. */
  addReceive(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number): void {
    checkGeometry(size, chunkSize);
    if (key.length !== 32) throw new EngineError('malformed', 'key must be 32 bytes');
    this.add(id, { kind: 'receive', key, transferId: id.slice(), size, chunkSize, chunkCount: chunkCountFor(size, chunkSize),
      attempt: 1, next: 0, hash: null, spoolFd: null, digest: null, finalSha256: null, complete: false });
  }

  /**
   * The file hash of the sender's signed final message (main verified its signature and binding). The transfer is
   * complete once it equals the hash of every opened chunk; a different one aborts it. The same hash again is a no-op.
   */
  setFinal(id: Uint8Array, fileSha256: Uint8Array): OpenResult {
    const r = this.get(id, 'receive');
    if (fileSha256.length !== 32) throw new EngineError('malformed', 'file hash must be 32 bytes');
    if (r.spoolFd === null && !r.complete) throw new EngineError('bad-state', 'transfer not accepted');
    if (r.finalSha256) {
      if (!ctEqual(r.finalSha256, fileSha256)) throw this.abort(r, 'hash-mismatch', 'a second final names another file hash');
    } else {
      r.finalSha256 = fileSha256.slice();
    }
    this.settle(r);
    return { transferId: r.transferId.slice(), verifiedChunks: r.next, complete: r.complete };
  }

  /** Both hashes known: equal means verified (the spool is closed); different aborts the transfer. */
  private settle(r: Receive): void {
    if (r.complete || !r.digest || !r.finalSha256) return;
    if (!ctEqual(r.digest, r.finalSha256)) throw this.abort(r, 'hash-mismatch', "file hash does not match the sender's signed final");
    if (r.spoolFd !== null) closeSync(r.spoolFd);
    r.spoolFd = null;
    r.complete = true;
  }

  /** The user accepted: creates the spool (exclusive, 0600). */
  startReceive(id: Uint8Array): void {
    const r = this.get(id, 'receive');
    if (r.spoolFd !== null || r.complete) throw new EngineError('bad-state', 'already receiving');
    mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    r.spoolFd = openSync(this.spoolPath(id), 'wx', 0o600);
    r.hash = createHash('sha256');
  }

  /**
   * Opens one chunk frame, in the order of PROTOCOL.md 14.3. A stale attempt and an unknown transfer change nothing;
   * a wrong index, a wrong length, a failed tag or a whole-file hash mismatch abort the transfer.
   */
  open(frame: Uint8Array): OpenResult {
    if (frame.length < 1 + TRANSFER_ID_BYTES || frame[0] !== 0x01) throw new EngineError('malformed', 'not a chunk frame');
    const id = frame.subarray(1, 1 + TRANSFER_ID_BYTES);
    const r = this.get(id, 'receive');
    if (r.spoolFd === null || !r.hash) {
      throw new EngineError('bad-state', r.complete || r.digest ? 'every chunk already arrived' : 'transfer not accepted');
    }
    const header = readChunkFrameHeader(frame);
    if (!header) throw this.abort(r, 'malformed', 'chunk frame too short');
    if (header.attempt < r.attempt) throw new EngineError('stale-attempt', 'frame of an older attempt');
    if (header.index !== r.next) throw this.abort(r, 'out-of-order', `expected chunk ${r.next}`);
    const expectedLength = CHUNK_FRAME_HEADER_BYTES + chunkLength(r.size, r.chunkSize, header.index) + CHUNK_TAG_BYTES;
    if (frame.length !== expectedLength) throw this.abort(r, 'malformed', 'chunk frame has the wrong length');
    const plaintext = openChunk(this.backend, r.key, frame);
    if (!plaintext) throw this.abort(r, 'decrypt-failed', 'chunk does not authenticate');
    r.hash.update(plaintext);
    wipe(plaintext);
    // Whole frame (header included) so save can open it again with its own attempt: see PROTOCOL.md 14.4.
    writeAll(r.spoolFd, frame);
    r.attempt = header.attempt;
    r.next++;
    if (r.next < r.chunkCount) return { transferId: r.transferId.slice(), verifiedChunks: r.next, complete: false };
    r.digest = new Uint8Array(r.hash.digest());
    r.hash = null;
    this.settle(r);
    return { transferId: r.transferId.slice(), verifiedChunks: r.next, complete: r.complete };
  }

  /** Decrypts the verified spool to `destPath`, then drops the transfer (key wiped, spool deleted). */
  save(id: Uint8Array, destPath: string): void {
    const r = this.get(id, 'receive');
    // Only a transfer whose chunks all opened and whose hash equals the sender's signed final is ever written out.
    if (!r.complete || !r.finalSha256) throw new EngineError('bad-state', "transfer is not verified against the sender's signed final");
    saveSpool(this.backend, { key: r.key, transferId: r.transferId, size: r.size, chunkSize: r.chunkSize, sha256: r.finalSha256 },
      this.spoolPath(id), destPath);
    this.forget(id);
  }

  private abort(r: Receive, status: EngineStatus, message: string): EngineError {
    this.forget(r.transferId);
    return new EngineError(status, message, true);
  }

  /** Drops a transfer in any state: wipes its key, closes and deletes its spool. Unknown ids are fine. */
  forget(id: Uint8Array): void {
    const e = this.entries.get(toHex(id));
    if (!e) return;
    this.entries.delete(toHex(id));
    wipe(e.key);
    if (e.kind === 'send' && e.source) closeSource(e.source);
    if (e.kind === 'receive') {
      if (e.spoolFd !== null) closeSync(e.spoolFd);
      rmSync(this.spoolPath(id), { force: true });
    }
  }

  dispose(): void {
    for (const e of [...this.entries.values()]) this.forget(e.transferId);
    this.entries.clear();
  }
}
