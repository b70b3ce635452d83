// The file-transfer control plane behind the `files:*` channels: pick/drop/prepare, offer, final message, verify, state machine, save.
// Keys are derived here and handed to the chunk worker at once; main keeps no copy (see PROTOCOL.md section 14).
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toB64u } from '../../protocol/encoding';
import { FILE_LIMITS } from '../../protocol/file-limits';
import type { FileMeta, OfferResult, PreparedFile, TransferInfo } from '../../protocol/ipc-files';
import type { AuditLog } from '../e2ee/audit';
import type { E2eeService } from '../e2ee/e2ee';
import { DomainError } from '../errors';
import { EngineError } from './engine-error';
import { assertOfferQuota, isPendingOffer } from './offers';
import { transferPortOps } from './port-ops';
import { PortRouter } from './port-router';
import type { FilePortOpener } from './port';
import { acceptFinal, signFinalOf, type FinalSteps } from './final-steps';
import { prepareFromDialog, prepareFromPath, preparePasted, type PrepareSteps } from './prepare';
import { isFinal, portStatusCode, sanitizeFileName, savedName, toInfo, type PreparedRecord, type TransferRecord } from './records';
import { ChunkWorkerClient } from './worker-client';

export interface FilesServiceOptions {
  /** Session keys and offer signatures: the transfer service never sees a session key, only each transfer's own. */
  e2ee: E2eeService; audit: AuditLog; dataDir: string; now: () => number;
  /** The bundled chunk worker (dist/main/chunk-worker.cjs in the app). */
  chunkWorkerPath: string;
  /** Main's own save dialog: the path the user chose, or null when they cancelled. */
  chooseSavePath: (suggestedName: string) => Promise<string | null>;
  /** Main's own open dialog for a file to send: its path, or null when they cancelled. */
  chooseOpenPath?: () => Promise<string | null>;
  openPort?: FilePortOpener;
}

const hashOf = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
const toIpc = (err: unknown): unknown => (err instanceof EngineError ? new DomainError(portStatusCode(err.status), err.message) : err);

export class FilesService {
  private readonly transfers = new Map<string, TransferRecord>();
  private readonly prepares = new Map<string, PreparedRecord>();
  /** Incoming transfer ids accepted as offers → the sender key's expiry; past it no session opens that offer again. */
  private readonly seenIncoming = new Map<string, number>();
  private client: ChunkWorkerClient | null = null;
  readonly ports: PortRouter;
  private disposed = false;

  constructor(private readonly opts: FilesServiceOptions) {
    this.ports = new PortRouter(transferPortOps({ transfers: this.transfers, worker: () => this.worker(),
      fail: (r, code, message) => this.fail(r, code, message), verified: (r) => this.verified(r) }));
    // Spools of an earlier run are unreadable (their keys died with it): delete them.
    const dir = path.join(opts.dataDir, 'transfers');
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.spool')) rmSync(path.join(dir, f), { force: true });
    } catch {
      // No transfers folder yet.
    }
  }

  private get e2ee(): E2eeService { return this.opts.e2ee; }
  private get audit(): AuditLog { return this.opts.audit; }

  /** Started on first use, so a service that never moves a file never starts a thread. */
  private worker(): ChunkWorkerClient {
    if (this.disposed) throw new DomainError('bad-state', 'file transfer service stopped');
    if (!this.client?.alive) this.client = new ChunkWorkerClient(this.opts.chunkWorkerPath, this.opts.dataDir, () => this.workerLost());
    return this.client;
  }

  /** The worker died: every key it held is gone, so every live transfer has failed. */
  private workerLost(): void {
    this.prepares.clear();
    for (const r of this.transfers.values()) if (!isFinal(r)) this.fail(r, 'internal', 'chunk worker stopped');
  }

  private fail(r: TransferRecord, code: DomainError['code'], message: string): void {
    r.state = 'failed';
    r.error = { code, message };
    this.audit.record('file-failed', { transferId: r.idB64, direction: r.direction, reason: code });
  }

  private record(idB64: string): TransferRecord {
    this.prune();
    const r = this.transfers.get(idB64);
    if (!r) throw new DomainError('not-found', 'no such transfer');
    return r;
  }

  /** Drops unanswered offers and prepares past their TTL; at the limit, forgets the oldest finished transfers. */
  private prune(): void {
    const cutoff = this.opts.now() - FILE_LIMITS.offerTtlMs;
    for (const [id, until] of this.seenIncoming) if (until <= this.opts.now()) this.seenIncoming.delete(id);
    for (const [k, p] of this.prepares) {
      if (p.addedAt < this.opts.now() - FILE_LIMITS.prepareTtlMs) this.prepares.delete(k);
    }
    for (const [k, r] of this.transfers) {
      // Only offers made to us expire unanswered; our own sends wait for the peer (and the user may cancel them).
      if (r.direction === 'in' && r.state === 'offered' && r.addedAt < cutoff) {
        this.transfers.delete(k);
        this.client?.forget(r.id).catch(() => {});
        this.audit.record('file-offer-expired', { transferId: r.idB64 });
      }
    }
    for (const [k, r] of this.transfers) {
      if (this.held() < FILE_LIMITS.maxTransfers) break;
      if (isFinal(r)) this.transfers.delete(k);
    }
  }

  /** What counts against `maxTransfers`: everything but unanswered incoming offers (those have their own quota). */
  private held(): number {
    let n = this.prepares.size;
    for (const r of this.transfers.values()) if (!isPendingOffer(r)) n++;
    return n;
  }

  private ensureRoom(): void {
    this.prune();
    if (this.held() >= FILE_LIMITS.maxTransfers) throw new DomainError('bad-state', 'too many transfers at once');
  }

  /**
   * Returns the token at once and attaches main's end when the opener resolves: in Electron that is immediate; the
   * browser harness' carrier only connects after the page has the token, so waiting here would deadlock it.
   */
  connect(): { token: string } {
    const open = this.opts.openPort;
    if (!open) throw new DomainError('bad-state', 'no window to attach a port to');
    const token = toB64u(this.e2ee.randomBytes(18));
    open(token).then((endpoint) => this.ports.attach(endpoint), () => { /* the page retries files:connect on its side */ });
    return { token };
  }

  /** Pasted data (no file behind it): the page brings each chunk's bytes to `seal`. Nothing is read before the offer. */
  prepare(roomId: string, meta: FileMeta): Promise<PreparedFile> {
    return preparePasted(this.preparing(), roomId, meta);
  }

  /** Main's open dialog; the chosen file is read from disk by the chunk worker. */
  pick(roomId: string): Promise<PreparedFile | null> {
    return prepareFromDialog(this.preparing(), roomId, this.opts.chooseOpenPath);
  }

  /** A dropped file's path, as Electron gave it to the preload for the File object the page passed. */
  dropped(roomId: string, filePath: string): Promise<PreparedFile> {
    return prepareFromPath(this.preparing(), roomId, filePath);
  }

  private preparing(): PrepareSteps {
    return { e2ee: this.e2ee, prepares: this.prepares, now: this.opts.now, ensureRoom: () => this.ensureRoom() };
  }

  async offer(prepareId: string, recipients: string[]): Promise<OfferResult[]> {
    const p = this.prepares.get(prepareId);
    if (!p) throw new DomainError('not-found', 'no such prepared file');
    const signerFor = await this.e2ee.fileOfferSigners(p.roomId);
    const results: OfferResult[] = [];
    for (const recipientIdentityKey of recipients) {
      const fail = (code: DomainError['code'], message: string) => results.push({ recipientIdentityKey, ok: false, error: { code, message } });
      const sign = signerFor(recipientIdentityKey);
      if (!sign) {
        fail('no-session', 'no session with this peer in this room');
        continue;
      }
      // This prepare still counts until the loop ends, hence `>`: n transfers may replace it.
      this.prune();
      if (this.held() > FILE_LIMITS.maxTransfers) {
        fail('bad-state', 'too many transfers at once');
        continue;
      }
      const transferId = this.e2ee.randomBytes(16);
      const createdAt = this.opts.now();
      const { offer, fileKey, manifestBytes } = sign({ transferId, size: p.meta.size, chunkSize: p.chunkSize, createdAt, roomId: p.roomId,
        name: p.meta.name, mime: p.meta.mime });
      try {
        await this.worker().addSend(transferId, fileKey, p.meta.size, p.chunkSize, p.source);
      } catch (err) {
        const e = toIpc(err);
        fail(e instanceof DomainError ? e.code : 'internal', 'could not start the transfer');
        continue;
      }
      const idB64 = toB64u(transferId);
      this.transfers.set(idB64, { id: transferId, idB64, direction: 'out', roomId: p.roomId, peerIdentityKey: recipientIdentityKey,
        name: p.meta.name, size: p.meta.size, mime: p.meta.mime, chunkSize: p.chunkSize, chunkCount: p.chunkCount,
        sha256Hex: '', createdAt, state: 'sending', verifiedChunks: 0, attempt: 1, addedAt: createdAt, manifestHash: hashOf(manifestBytes),
        fromDisk: p.source !== null });
      this.audit.record('file-offered', { transferId: idB64, roomId: p.roomId, peerIdentityKey: recipientIdentityKey, size: p.meta.size,
        chunkCount: p.chunkCount });
      results.push({ recipientIdentityKey, ok: true, transferId: idB64, offer });
    }
    this.prepares.delete(prepareId);
    return results;
  }

  async receiveOffer(roomId: string, senderIdentityKey: string, offer: Uint8Array): Promise<TransferInfo> {
    const v = await this.e2ee.verifyFileOffer({ roomId, senderIdentityKey, offer,
      seen: (id) => this.seenIncoming.has(id) || this.transfers.has(id) });
    const m = v.manifest;
    const idB64 = toB64u(m.transferId);
    this.prune();
    assertOfferQuota(this.audit, this.transfers.values(), roomId, senderIdentityKey, idB64);
    try {
      await this.worker().addReceive(m.transferId, v.fileKey(), m.size, m.chunkSize);
    } catch (err) {
      throw toIpc(err);
    }
    this.seenIncoming.set(idB64, v.peerExpiresAt);
    const r: TransferRecord = { id: m.transferId, idB64, direction: 'in', roomId, peerIdentityKey: senderIdentityKey, name: m.name, size: m.size,
      mime: m.mime, chunkSize: m.chunkSize, chunkCount: m.chunkCount, sha256Hex: '', createdAt: m.createdAt,
      state: 'offered', verifiedChunks: 0, attempt: 1, addedAt: this.opts.now(), manifestHash: hashOf(v.manifestBytes), fromDisk: false };
    this.transfers.set(idB64, r);
    this.audit.record('file-offer-received', { transferId: idB64, roomId, peerIdentityKey: senderIdentityKey, size: m.size,
      chunkCount: m.chunkCount });
    return toInfo(r);
  }

  private expect(r: TransferRecord, direction: 'in' | 'out', state: TransferRecord['state']): void {
    if (r.direction !== direction || r.state !== state) throw new DomainError('bad-state', `transfer is ${r.direction}/${r.state}, not ${direction}/${state}`);
  }

  async accept(id: string): Promise<TransferInfo> {
    const r = this.record(id);
    this.expect(r, 'in', 'offered');
    // Accepted, the offer leaves its quota and counts as our own transfer.
    if (this.held() >= FILE_LIMITS.maxTransfers) throw new DomainError('bad-state', 'too many transfers at once');
    await this.worker().startReceive(r.id).catch((e) => { throw toIpc(e); });
    r.state = 'receiving';
    this.audit.record('file-accepted', { transferId: r.idB64, peerIdentityKey: r.peerIdentityKey, size: r.size });
    return toInfo(r);
  }

  async decline(id: string): Promise<TransferInfo> {
    const r = this.record(id);
    if (r.direction === 'in' && r.state === 'declined') return toInfo(r);
    this.expect(r, 'in', 'offered');
    return this.end(r, 'declined', 'file-declined', {});
  }

  /** Moves a transfer to a final state: the worker wipes its key (and spool), the audit log says so. */
  private async end(r: TransferRecord, state: 'declined' | 'cancelled' | 'done', event: string, fields: Record<string, string | number>): Promise<TransferInfo> {
    r.state = state;
    await this.client?.forget(r.id).catch(() => {});
    this.audit.record(event, { transferId: r.idB64, peerIdentityKey: r.peerIdentityKey, ...fields });
    return toInfo(r);
  }

  /** Either side, any state that is not final; on a final state it changes nothing and answers the info. */
  async cancel(id: string): Promise<TransferInfo> {
    const r = this.record(id);
    if (isFinal(r)) return toInfo(r);
    return this.end(r, 'cancelled', 'file-cancelled', { direction: r.direction });
  }

  async finish(id: string): Promise<TransferInfo> {
    const r = this.record(id);
    if (r.direction === 'out' && r.state === 'done') return toInfo(r);
    this.expect(r, 'out', 'sending');
    return this.end(r, 'done', 'file-done', { size: r.size });
  }

  /** Sender: once every chunk was sealed, the whole-file hash signed and bound to this transfer's manifest. */
  async final(id: string): Promise<Uint8Array> {
    const r = this.record(id);
    this.expect(r, 'out', 'sending');
    return signFinalOf(this.finalSteps(), r);
  }

  /** Recipient: the sender's final message; anything but a matching, genuine one fails the transfer (see final-steps.ts). */
  async receiveFinal(id: string, final: Uint8Array): Promise<TransferInfo> {
    const r = this.record(id);
    if (r.direction === 'in' && r.state === 'verified') return toInfo(r);
    this.expect(r, 'in', 'receiving');
    await acceptFinal(this.finalSteps(), r, final);
    return toInfo(r);
  }

  private finalSteps(): FinalSteps {
    return { e2ee: this.e2ee, worker: () => this.worker(), forget: (r) => this.client?.forget(r.id).catch(() => {}) ?? Promise.resolve(),
      fail: (r, code, message) => this.fail(r, code, message), verified: (r) => this.verified(r) };
  }

  private verified(r: TransferRecord): void {
    r.state = 'verified';
    this.audit.record('file-verified', { transferId: r.idB64, peerIdentityKey: r.peerIdentityKey, size: r.size });
  }

  async resume(id: string, fromIndex: number): Promise<TransferInfo> {
    const r = this.record(id);
    this.expect(r, 'out', 'sending');
    if (fromIndex > r.chunkCount) throw new DomainError('bad-arguments', 'fromIndex is past the last chunk');
    if (r.attempt >= 0xffffffff) throw new DomainError('bad-state', 'no attempts left');
    await this.worker().resume(r.id, r.attempt + 1).catch((e) => { throw toIpc(e); });
    r.attempt += 1;
    r.verifiedChunks = fromIndex;
    this.audit.record('file-resumed', { transferId: r.idB64, attempt: r.attempt, fromIndex });
    return toInfo(r);
  }

  get(id: string): TransferInfo {
    return toInfo(this.record(id));
  }

  list(): TransferInfo[] {
    this.prune();
    return [...this.transfers.values()].map(toInfo);
  }

  async save(id: string): Promise<{ saved: boolean; fileName?: string }> {
    const r = this.record(id);
    this.expect(r, 'in', 'verified');
    const dest = await this.opts.chooseSavePath(sanitizeFileName(r.name));
    if (dest === null) return { saved: false };
    this.expect(r, 'in', 'verified');
    await this.worker().save(r.id, dest).catch((e) => { throw toIpc(e); });
    r.state = 'saved';
    this.audit.record('file-saved', { transferId: r.idB64, size: r.size });
    return { saved: true, fileName: savedName(dest) };
  }

  /** Wipes every key (the worker's), stops it, closes ports and deletes the spools of unfinished transfers. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.ports.closeAll();
    await this.client?.terminate();
    this.client = null;
    const dir = path.join(this.opts.dataDir, 'transfers');
    for (const r of this.transfers.values()) if (r.direction === 'in') rmSync(path.join(dir, `${Buffer.from(r.id).toString('hex')}.spool`), { force: true });
    this.transfers.clear();
    this.prepares.clear();
  }
}
