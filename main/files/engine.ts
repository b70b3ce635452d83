// The file-transfer data plane: prepare hashing, sealing with nonce-uniqueness, in-order opening into an encrypted spool, save.
// Pure Node and synchronous, so it runs the same in-process (unit tests) and inside the chunk worker.
import { createHash, type Hash } from 'node:crypto';
import { mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../protocol/encoding';
import { CHUNK_FRAME_HEADER_BYTES, CHUNK_TAG_BYTES, PORT_REPLY_HEADER_BYTES, readChunkFrameHeader, TRANSFER_ID_BYTES } from '../../protocol/file-frames';
import { FILE_LIMITS } from '../../protocol/file-limits';
import { chunkCountFor, chunkLength, ctEqual, openChunk, sealChunk, wipe, type CryptoBackend } from '../crypto';
import { EngineError, type EngineStatus } from './engine-error';
import { saveSpool, writeAll } from './spool';

export { EngineError };

interface Prepare { kind: 'prepare'; size: number; chunkSize: number; chunkCount: number; next: number; hash: Hash }
interface Send { kind: 'send'; key: Uint8Array; transferId: Uint8Array; size: number; chunkSize: number; chunkCount: number;
  attempt: number; lastAttempt: number; lastIndex: number }
interface Receive { kind: 'receive'; key: Uint8Array; transferId: Uint8Array; size: number; chunkSize: number; chunkCount: number;
  sha256: Uint8Array; attempt: number; next: number; hash: Hash | null; spoolFd: number | null; complete: boolean }
type Entry = Prepare | Send | Receive;

export interface OpenResult { transferId: Uint8Array; verifiedChunks: number; complete: boolean }
export interface HashResult { done: boolean; digest?: Uint8Array }


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

  /** Starts hashing a file the renderer will send as slices 0 … chunkCount − 1. */
  startPrepare(id: Uint8Array, size: number, chunkSize: number): void {
    checkGeometry(size, chunkSize);
    this.add(id, { kind: 'prepare', size, chunkSize, chunkCount: chunkCountFor(size, chunkSize), next: 0, hash: createHash('sha256') });
  }

  /** Hashes slice `index` (must be the next one, with exactly its length); a refused slice changes nothing. The last returns the digest. */
  hash(id: Uint8Array, index: number, slice: Uint8Array): HashResult {
    const p = this.get(id, 'prepare');
    if (index !== p.next) throw new EngineError('out-of-order', `expected slice ${p.next}`);
    if (slice.length !== chunkLength(p.size, p.chunkSize, index)) throw new EngineError('malformed', 'slice has the wrong length');
    p.hash.update(slice);
    p.next++;
    if (p.next < p.chunkCount) return { done: false };
    this.entries.delete(toHex(id));
    return { done: true, digest: new Uint8Array(p.hash.digest()) };
  }

  /** Takes ownership of `key` (wiped when the transfer ends). Seals start at attempt 1. */
  addSend(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number): void {
    checkGeometry(size, chunkSize);
    if (key.length !== 32) throw new EngineError('malformed', 'key must be 32 bytes');
    this.add(id, { kind: 'send', key, transferId: id.slice(), size, chunkSize, chunkCount: chunkCountFor(size, chunkSize),
      attempt: 1, lastAttempt: 0, lastIndex: 0 });
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
    return frame;
  }

  /** Registers an incoming transfer (key owned from now on); nothing touches disk until `startReceive`. */
  addReceive(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number, sha256: Uint8Array): void {
    checkGeometry(size, chunkSize);
    if (key.length !== 32 || sha256.length !== 32) throw new EngineError('malformed', 'key and hash must be 32 bytes');
    this.add(id, { kind: 'receive', key, transferId: id.slice(), size, chunkSize, chunkCount: chunkCountFor(size, chunkSize), sha256: sha256.slice(),
      attempt: 1, next: 0, hash: null, spoolFd: null, complete: false });
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
    if (r.spoolFd === null || !r.hash) throw new EngineError('bad-state', r.complete ? 'transfer already complete' : 'transfer not accepted');
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
    const digest = new Uint8Array(r.hash.digest());
    r.hash = null;
    if (!ctEqual(digest, r.sha256)) throw this.abort(r, 'hash-mismatch', 'file hash does not match the manifest');
    closeSync(r.spoolFd);
    r.spoolFd = null;
    r.complete = true;
    return { transferId: r.transferId.slice(), verifiedChunks: r.next, complete: true };
  }

  /** Decrypts the verified spool to `destPath`, then drops the transfer (key wiped, spool deleted). */
  save(id: Uint8Array, destPath: string): void {
    const r = this.get(id, 'receive');
    if (!r.complete) throw new EngineError('bad-state', 'transfer is not verified');
    saveSpool(this.backend, { key: r.key, transferId: r.transferId, size: r.size, chunkSize: r.chunkSize, sha256: r.sha256 },
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
    if (e.kind === 'prepare') return;
    wipe(e.key);
    if (e.kind === 'receive') {
      if (e.spoolFd !== null) closeSync(e.spoolFd);
      rmSync(this.spoolPath(id), { force: true });
    }
  }

  dispose(): void {
    for (const e of [...this.entries.values()]) if (e.kind !== 'prepare') this.forget(e.transferId);
    this.entries.clear();
  }
}
