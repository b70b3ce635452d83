// File transfer controller: sender side (pick/drop/paste, offer, stream, final, resume, finish) and routing of control messages and frames.
import { fromB64u, toB64u } from '../../../../protocol/encoding';
import { FILE_LIMITS } from '../../../../protocol/file-limits';
import type { FileControl, PreparedFile, TransferInfo } from '../../../../protocol/ipc-files';
import { formatBytes } from '../../features/files/format';
import { errorText, unwrap } from '../../lib/veil';
import { FINAL_STATES, type TransferEntry } from '../../store/files-slice';
import { failureText, peerName, ProgressReporter, type FilesContext } from './context';
import { Receiver } from './receive';
import { blobSource, ChunkSender, sealedFromSource, type ChunkSource } from './send-pipeline';

interface Outgoing { id: string; idBytes: Uint8Array; to: string; size: number; chunkSize: number; sender: ChunkSender; closed: boolean;
  /** The signed final message went out (sent again only if it could not be). */
  finalSent: boolean }

/**
 * What to send: a file main opened itself (picked in its dialog or dropped: the page never holds its bytes), or data
 * with no file behind it (pasted), whose bytes the page reads slice by slice and main seals.
 */
export type PickedFile = { kind: 'disk'; prepared: PreparedFile } | { kind: 'data'; name: string; type: string; source: ChunkSource };

export function pickedFromFile(file: File): PickedFile {
  return { kind: 'data', name: file.name, type: file.type, source: blobSource(file) };
}

/** Main re-checks both; trimming here only avoids refusing a long name or an exotic MIME type outright. */
/** The sender's own words for a refusal code (the peer's free text only when it sent no code): never a peer-chosen sentence. */
export function refusalWords(msg: FileControl & { t: 'file-decline' }): string | undefined {
  if (msg.refused === 'too-large') return msg.limitBytes !== undefined ? `larger than their limit (${formatBytes(msg.limitBytes)})` : 'larger than their limit';
  if (msg.refused === 'over-quota') return 'they have too many unanswered offers; try again later';
  return msg.reason;
}

function fileMeta(f: Extract<PickedFile, { kind: 'data' }>) {
  const name = (f.name || 'file').slice(0, FILE_LIMITS.maxNameLength);
  const mime = /^[\x20-\x7e]*$/.test(f.type) && f.type.length <= FILE_LIMITS.maxMimeLength ? f.type : '';
  return { name, size: f.source.size, mime };
}

let localSeq = 0;

export class FilesController {
  readonly receiver: Receiver;
  private readonly progress: ProgressReporter;
  private outgoing = new Map<string, Outgoing>();
  /** Preparing rows the user cancelled before the offer existed. */
  private cancelledLocal = new Set<string>();

  constructor(private readonly ctx: FilesContext, private readonly isReady: (identityKey: string) => boolean) {
    this.progress = new ProgressReporter(ctx);
    this.receiver = new Receiver(ctx, this.progress);
  }

  private get s() { return this.ctx.store.getState(); }

  /** Everyone we can send to right now: authenticated link, no unaccepted identity-key change. */
  recipients(to: string): string[] {
    const s = this.s;
    const candidates = to === 'all' ? Object.keys(s.peers) : [to];
    return candidates.filter((k) => s.peers[k] && this.isReady(k) && !s.keyChanges.includes(k));
  }

  /** Main's open dialog; the chosen file goes to `to` straight from disk. */
  async pickAndSend(to: string): Promise<void> {
    try {
      const prepared = await unwrap(window.veil.files.pick(this.ctx.roomId));
      if (prepared) await this.sendFile({ kind: 'disk', prepared }, to);
    } catch (err) {
      this.s.pushAlert(`Could not open the file: ${errorText(err)}`);
    }
  }

  /** A dropped file: main reads it from disk when Electron knows its path; otherwise (no path) it goes as data. */
  async sendDropped(file: File, to: string): Promise<void> {
    try {
      const prepared = await unwrap(window.veil.files.dropped(this.ctx.roomId, file));
      await this.sendFile(prepared ? { kind: 'disk', prepared } : pickedFromFile(file), to);
    } catch (err) {
      this.s.pushAlert(`Could not send "${file.name}": ${errorText(err)}`);
    }
  }

  /** One signed offer and one transfer per recipient, at once: nothing of the file is read before the offer. */
  async sendFile(file: PickedFile, to: string): Promise<void> {
    const name = file.kind === 'disk' ? file.prepared.name : file.name;
    const recipients = this.recipients(to);
    if (recipients.length === 0) {
      this.s.pushAlert(`Cannot send "${name}": nobody is connected to receive it`);
      return;
    }
    const meta = file.kind === 'disk' ? { name, size: file.prepared.size } : fileMeta(file);
    const rows = new Map(recipients.map((r) => [r, `local-${++localSeq}`]));
    for (const [r, id] of rows) {
      this.s.addTransfer({ id, direction: 'out', peer: r, peerName: peerName(this.ctx, r), name: meta.name, size: meta.size,
        state: 'preparing', bytesDone: 0, speed: 0, etaSeconds: null, note: 'offering' });
    }
    const live = () => [...rows].filter(([, id]) => !this.cancelledLocal.has(id));
    let results;
    let prepared: PreparedFile;
    try {
      prepared = file.kind === 'disk' ? file.prepared : await unwrap(window.veil.files.prepare(this.ctx.roomId, fileMeta(file)));
      const targets = live().map(([r]) => r);
      if (targets.length === 0) return;
      results = await unwrap(window.veil.files.offer(prepared.prepareId, targets));
    } catch (err) {
      for (const [, id] of live()) this.s.patchTransfer(id, { state: 'failed', error: `Could not offer the file: ${errorText(err)}`, note: undefined });
      return;
    }
    const chunkSize = prepared.chunkSize;
    const frames = (idBytes: Uint8Array) => file.kind === 'disk'
      ? (attempt: number, index: number) => this.ctx.port.sealFromDisk(idBytes, attempt, index)
      : sealedFromSource(file.source, chunkSize, (attempt, index, plain) => this.ctx.port.seal(idBytes, attempt, index, plain));
    for (const res of results) {
      const localId = rows.get(res.recipientIdentityKey);
      if (!localId) continue;
      if (!res.ok) {
        this.s.patchTransfer(localId, { state: 'failed', error: `Could not offer: ${res.error.code}: ${res.error.message}`, note: undefined });
        continue;
      }
      await this.startOffer(localId, res.recipientIdentityKey, res.transferId, res.offer, frames, { chunkSize, chunkCount: prepared.chunkCount });
    }
  }

  private async startOffer(localId: string, to: string, id: string, offer: Uint8Array,
    frames: (idBytes: Uint8Array) => (attempt: number, index: number) => Promise<Uint8Array>,
    { chunkSize, chunkCount }: { chunkSize: number; chunkCount: number }): Promise<void> {
    const entry = this.s.transfers[localId];
    const idBytes = fromB64u(id);
    if (!entry || !idBytes) return;
    if (this.cancelledLocal.has(localId)) {
      await window.veil.files.cancel(id).catch(() => {});
      return;
    }
    const out: Outgoing = { id, idBytes, to, size: entry.size, chunkSize, closed: false, finalSent: false, sender: null as unknown as ChunkSender };
    out.sender = new ChunkSender(chunkCount, {
      frame: frames(idBytes),
      channel: () => this.ctx.channel(to),
      onLinkLost: () => this.pause(out),
      onFailed: (err) => void this.failOut(out, failureText(err)),
      onAllSent: () => void this.sendFinal(out)
    });
    this.outgoing.set(id, out);
    const row: TransferEntry = { ...entry, id, state: 'waiting', bytesDone: 0, speed: 0, etaSeconds: null, sample: undefined, note: 'waiting for accept' };
    this.s.replaceTransfer(localId, row);
    try {
      await this.ctx.sendControl(to, { t: 'file-offer', offer: toB64u(offer) });
    } catch (err) {
      await this.failOut(out, `Could not send the offer: ${errorText(err)}`, false);
    }
  }

  /** Every chunk is on the wire: main signs the whole-file hash it computed while sealing, and the recipient checks it. */
  private async sendFinal(out: Outgoing): Promise<void> {
    if (out.closed || out.finalSent) return;
    try {
      const final = await unwrap(window.veil.files.final(out.id));
      if (out.closed) return;
      await this.ctx.sendControl(out.to, { t: 'file-final', id: out.id, final: toB64u(final) });
      out.finalSent = true;
      this.s.patchTransfer(out.id, { note: 'waiting for the recipient to verify' });
    } catch (err) {
      // A link that went down resumes later (and this runs again); anything else fails the transfer.
      if (this.s.transfers[out.id]?.state === 'paused') return;
      await this.failOut(out, failureText(err));
    }
  }

  private pause(out: Outgoing): void {
    if (out.closed || this.s.transfers[out.id]?.state !== 'sending') return;
    out.sender.stop();
    this.s.patchTransfer(out.id, { state: 'paused', note: 'waiting for connection' });
  }

  private async failOut(out: Outgoing, text: string, tellPeer = true): Promise<void> {
    if (out.closed) return;
    out.closed = true;
    out.sender.stop();
    this.s.patchTransfer(out.id, { state: 'failed', error: text, finishedAt: this.ctx.now(), note: undefined });
    await window.veil.files.cancel(out.id).catch(() => {});
    if (tellPeer) await this.ctx.sendControl(out.to, { t: 'file-cancel', id: out.id, reason: text.slice(0, 200) }).catch(() => {});
  }

  /** A validated control message from `from` (its sealed envelope was opened by main and bound to that peer). */
  async onControl(from: string, msg: FileControl): Promise<void> {
    if (msg.t === 'file-offer') return this.receiver.onOffer(from, msg.offer);
    if (msg.t === 'file-cancel' && this.receiver.has(msg.id, from)) return this.receiver.cancel(msg.id, { reason: msg.reason });
    if (msg.t === 'file-final') return this.receiver.onFinal(from, msg.id, msg.final);
    const out = this.outgoing.get(msg.id);
    // Only the recipient of a transfer may steer it.
    if (!out || out.to !== from || out.closed) return;
    try {
      switch (msg.t) {
        case 'file-accept':
          // A second accept would restart at a nonce main already used; only the first one counts.
          if (this.s.transfers[out.id]?.state !== 'waiting') return;
          return await this.begin(out, 0, (info) => info.attempt);
        case 'file-resume': return await this.begin(out, msg.next, null);
        case 'file-ack':
          out.sender.ack(msg.next);
          this.progress.report(out.id, Math.min(out.size, out.sender.acked * out.chunkSize));
          return;
        case 'file-decline':
          out.closed = true;
          out.sender.stop();
          {
            const why = refusalWords(msg);
            const file = this.s.transfers[out.id]?.name ?? 'a file';
            this.s.patchTransfer(out.id, { state: 'declined', finishedAt: this.ctx.now(), note: why });
            if (msg.refused) this.s.pushAlert(`${peerName(this.ctx, from)}'s app refused "${file}": ${why}`);
            else if (msg.reason) this.s.pushAlert(`${peerName(this.ctx, from)} refused "${file}": ${msg.reason}`);
          }
          await window.veil.files.cancel(out.id).catch(() => {});
          return;
        case 'file-cancel':
          return await this.cancelOut(out, `Cancelled by ${peerName(this.ctx, from)}${msg.reason !== 'cancelled' ? `: ${msg.reason}` : ''}`);
        case 'file-done':
          out.closed = true;
          out.sender.stop();
          await unwrap(window.veil.files.finish(out.id)).catch(() => {});
          this.progress.report(out.id, out.size, true);
          this.s.patchTransfer(out.id, { state: 'done', finishedAt: this.ctx.now(), etaSeconds: 0, note: undefined });
          return;
      }
    } catch (err) {
      await this.failOut(out, failureText(err));
    }
  }

  /** Accept (from chunk 0 at the current attempt) or resume (main bumps the attempt, so no nonce repeats). */
  private async begin(out: Outgoing, from: number, attemptOf: ((info: TransferInfo) => number) | null): Promise<void> {
    const info = attemptOf ? await unwrap(window.veil.files.get(out.id)) : await unwrap(window.veil.files.resume(out.id, from));
    if (out.closed) return;
    const entry = this.s.transfers[out.id];
    this.s.patchTransfer(out.id, { state: 'sending', note: undefined, startedAt: entry?.startedAt ?? this.ctx.now() });
    out.sender.start(from, attemptOf ? attemptOf(info) : info.attempt);
  }

  private async cancelOut(out: Outgoing, byPeer?: string): Promise<void> {
    out.closed = true;
    out.sender.stop();
    await window.veil.files.cancel(out.id).catch(() => {});
    this.s.patchTransfer(out.id, { state: 'cancelled', error: byPeer, finishedAt: this.ctx.now(), note: undefined });
    if (!byPeer) await this.ctx.sendControl(out.to, { t: 'file-cancel', id: out.id, reason: 'cancelled' }).catch(() => {});
  }

  /** The user's cancel button, whatever the direction or state. */
  async cancel(id: string): Promise<void> {
    const entry = this.s.transfers[id];
    if (!entry || FINAL_STATES.has(entry.state)) return;
    if (entry.state === 'preparing') {
      this.cancelledLocal.add(id);
      this.s.patchTransfer(id, { state: 'cancelled', finishedAt: this.ctx.now(), note: undefined });
      return;
    }
    const out = this.outgoing.get(id);
    if (out && !out.closed) return this.cancelOut(out);
    return this.receiver.cancel(id);
  }

  accept(id: string): Promise<void> { return this.receiver.accept(id); }
  decline(id: string): Promise<void> { return this.receiver.decline(id); }
  save(id: string): Promise<void> { return this.receiver.save(id); }

  onFileFrame(from: string, frame: Uint8Array): void {
    this.receiver.onFrame(from, frame);
  }

  onLinkUp(identityKey: string): void {
    void this.receiver.onLinkUp(identityKey);
  }

  onLinkDown(identityKey: string): void {
    for (const out of this.outgoing.values()) if (out.to === identityKey) this.pause(out);
    this.receiver.onLinkDown(identityKey);
    // The mesh removes a peer that left right after its link closes; a transfer with nobody to resume it ends there.
    setTimeout(() => { if (!this.s.peers[identityKey]) void this.peerGone(identityKey); }, 0);
  }

  private async peerGone(identityKey: string): Promise<void> {
    const name = Object.values(this.s.transfers).find((t) => t.peer === identityKey)?.peerName || 'The participant';
    const text = `${name} left the room`;
    for (const out of this.outgoing.values()) if (out.to === identityKey && !out.closed) await this.failOut(out, text, false);
    await this.receiver.peerGone(identityKey);
  }

  /** Leaving the room: stop every stream and let main wipe keys and spools of unfinished transfers. */
  async stop(): Promise<void> {
    const open = [...this.outgoing.values()].filter((o) => !o.closed);
    for (const o of this.outgoing.values()) { o.closed = true; o.sender.stop(); }
    this.outgoing.clear();
    await Promise.all([...open.map((o) => window.veil.files.cancel(o.id).catch(() => {})), this.receiver.stop()]);
    this.s.clearFiles();
  }
}
