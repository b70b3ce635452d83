// Receiver side of file transfer: verify offers, accept/decline, open frames in arrival order, ack, the signed final hash, resume, save.
import { decodeOpenProgress, readChunkFrameHeader } from '../../../../protocol/file-frames';
import { FILE_LIMITS } from '../../../../protocol/file-limits';
import { fromB64u, toB64u } from '../../../../protocol/encoding';
import type { FileControl } from '../../../../protocol/ipc-files';
import { formatBytes } from '../../features/files/format';
import { errorCode, errorText, unwrap } from '../../lib/veil';
import { FINAL_STATES, type TransferEntry } from '../../store/files-slice';
import { failureText, peerName, type FilesContext, type ProgressReporter } from './context';
import { PortStatusError } from './file-port';

/** Decides when a `file-ack` goes out: every `every` verified chunks, and once at completion. */
export class AckTracker {
  private acked = 0;

  constructor(private readonly every: number = FILE_LIMITS.ackEveryChunks) {}

  /** The `next` to acknowledge now, or null when it is not yet time. */
  progress(verifiedChunks: number, complete: boolean): number | null {
    if (verifiedChunks <= this.acked) return null;
    if (!complete && verifiedChunks - this.acked < this.every) return null;
    this.acked = verifiedChunks;
    return verifiedChunks;
  }

  /** After a resume the sender's credit restarts from the resume point. */
  reset(to: number): void {
    this.acked = to;
  }
}

interface Incoming { id: string; from: string; size: number; chunkSize: number; chunkCount: number; acks: AckTracker; closed: boolean; opening: number;
  /** Main accepted the sender's signed final message (the file is verified once the last chunk matches it). */
  finalAccepted: boolean; finalTimer: ReturnType<typeof setTimeout> | null }

/**
 * A sender that honours the ack window never has more than `windowChunks` frames unverified here; twice that (room
 * for stale frames of an attempt before a resume) means it ignores flow control, and queueing more would grow memory.
 */
export const MAX_UNOPENED_FRAMES = 2 * FILE_LIMITS.windowChunks;

export class Receiver {
  private incoming = new Map<string, Incoming>();
  private warned = new Set<string>();

  constructor(private readonly ctx: FilesContext, private readonly progress: ProgressReporter) {}

  private get s() { return this.ctx.store.getState(); }

  has(id: string, from?: string): boolean {
    const t = this.incoming.get(id);
    return !!t && (from === undefined || t.from === from);
  }

  /** `file-offer` from a peer: main verifies the signed manifest; only a verified offer is shown. */
  async onOffer(from: string, offerText: string): Promise<void> {
    const name = peerName(this.ctx, from);
    const bytes = fromB64u(offerText);
    try {
      if (!bytes) throw new Error('the offer is not valid base64url');
      const info = await unwrap(window.veil.files.receiveOffer(this.ctx.roomId, from, bytes));
      this.incoming.set(info.transferId, { id: info.transferId, from, size: info.size, chunkSize: info.chunkSize, chunkCount: info.chunkCount,
        acks: new AckTracker(), closed: false, opening: 0, finalAccepted: false, finalTimer: null });
      this.s.addTransfer({ id: info.transferId, direction: 'in', peer: from, peerName: name, name: info.name, size: info.size,
        state: 'offered', bytesDone: 0, speed: 0, etaSeconds: null });
      this.s.pushFileNotice(info.transferId, `${name} wants to send you "${info.name}"`);
    } catch (err) {
      this.s.pushAlert(`Refused a file offer from ${name}: ${errorText(err)}`);
      // Over quota or over our size limit, the offer itself was fine: decline it now, saying why, so the sender does not wait.
      const code = errorCode(err);
      if (bytes && bytes.length >= 17 && (code === 'over-quota' || code === 'too-large')) {
        const id = toB64u(bytes.subarray(1, 17));
        const decline = code === 'over-quota'
          ? { t: 'file-decline' as const, id, refused: 'over-quota' as const, reason: `too many unanswered offers (${(err as Error).message})`.slice(0, 200) }
          : await this.sizeDecline(id);
        await this.ctx.sendControl(from, decline).catch(() => {});
      }
    }
  }

  /** Our size limit goes with the refusal (it is a setting the user chose, nothing secret); without it, just the rule. */
  private async sizeDecline(id: string): Promise<FileControl & { t: 'file-decline' }> {
    const limit = await unwrap(window.veil.settings.get()).then((v) => v.maxFileBytes, () => null);
    return limit === null ? { t: 'file-decline', id, refused: 'too-large', reason: 'larger than the receiver\'s limit' }
      : { t: 'file-decline', id, refused: 'too-large', limitBytes: limit, reason: `larger than the receiver's limit (${formatBytes(limit)})` };
  }

  async accept(id: string): Promise<void> {
    const t = this.incoming.get(id);
    if (!t) return;
    try {
      await unwrap(window.veil.files.accept(id));
    } catch (err) {
      return this.fail(t, `Could not accept: ${errorText(err)}`, false);
    }
    this.s.patchTransfer(id, { state: 'receiving', startedAt: this.ctx.now(), error: undefined });
    this.progress.report(id, 0, true);
    // If the accept cannot go out now, the resume sent when the link is back starts the stream instead.
    await this.ctx.sendControl(t.from, { t: 'file-accept', id })
      .catch(() => this.s.patchTransfer(id, { state: 'paused', note: 'waiting for connection' }));
  }

  async decline(id: string): Promise<void> {
    const t = this.incoming.get(id);
    if (!t) return;
    t.closed = true;
    await window.veil.files.decline(id).catch(() => {});
    this.s.patchTransfer(id, { state: 'declined', finishedAt: this.ctx.now() });
    await this.ctx.sendControl(t.from, { t: 'file-decline', id }).catch(() => {});
  }

  async save(id: string): Promise<void> {
    try {
      const res = await unwrap(window.veil.files.save(id));
      if (res.saved) this.s.patchTransfer(id, { state: 'saved', note: res.fileName ? `saved as ${res.fileName}` : undefined });
    } catch (err) {
      this.s.patchTransfer(id, { error: `Could not save: ${errorText(err)}` });
    }
  }

  /** We cancel (user) — or the sender did (`byPeer`), with its reason. */
  async cancel(id: string, byPeer?: { reason: string }): Promise<void> {
    const t = this.incoming.get(id);
    if (!t || t.closed) return;
    t.closed = true;
    await window.veil.files.cancel(id).catch(() => {});
    const name = peerName(this.ctx, t.from);
    const error = byPeer ? `Cancelled by ${name}${byPeer.reason && byPeer.reason !== 'cancelled' ? `: ${byPeer.reason}` : ''}` : undefined;
    this.s.patchTransfer(id, { state: 'cancelled', finishedAt: this.ctx.now(), error, note: undefined });
    if (!byPeer) await this.ctx.sendControl(t.from, { t: 'file-cancel', id, reason: 'cancelled' }).catch(() => {});
  }

  /** A chunk frame from `from`'s file channel: handed to main in arrival order (the port keeps order). */
  onFrame(from: string, frame: Uint8Array): void {
    const header = readChunkFrameHeader(frame);
    if (!header) return this.warnOnce(`bad:${from}`, `Dropped malformed file data from ${peerName(this.ctx, from)}`);
    const id = toB64u(header.transferId);
    const t = this.incoming.get(id);
    if (!t || t.from !== from) return this.warnOnce(id, `Dropped file data from ${peerName(this.ctx, from)} for a transfer we are not receiving`);
    if (t.closed) return;
    if (++t.opening > MAX_UNOPENED_FRAMES) return this.fail(t, `${peerName(this.ctx, from)} sent beyond the flow-control window`, true);
    this.ctx.port.open(frame).then(
      (payload) => { t.opening--; this.opened(t, payload); },
      (err: unknown) => { t.opening--; this.openFailed(t, err); });
  }

  private opened(t: Incoming, payload: Uint8Array): void {
    if (t.closed) return;
    const p = decodeOpenProgress(payload);
    if (!p) return this.fail(t, 'main sent a malformed progress reply', true);
    this.progress.report(t.id, Math.min(t.size, p.verifiedChunks * t.chunkSize), p.complete);
    const next = t.acks.progress(p.verifiedChunks, p.complete);
    if (next !== null) void this.ctx.sendControl(t.from, { t: 'file-ack', id: t.id, next }).catch(() => {});
    if (p.complete) return this.verified(t);
    if (p.verifiedChunks >= t.chunkCount && !t.finalAccepted) this.awaitFinal(t);
  }

  /** Every chunk opened; the file is not kept until the sender's signed whole-file hash arrives and matches. */
  private awaitFinal(t: Incoming): void {
    this.s.patchTransfer(t.id, { note: "checking the sender's signed file hash" });
    if (t.finalTimer) return;
    t.finalTimer = setTimeout(() => {
      if (!t.closed) this.fail(t, "The sender never sent its signed file hash, so the file was not kept", true);
    }, FILE_LIMITS.finalWaitMs);
  }

  private verified(t: Incoming): void {
    if (t.closed) return;
    t.closed = true;
    if (t.finalTimer) clearTimeout(t.finalTimer);
    this.s.patchTransfer(t.id, { state: 'verified', finishedAt: this.ctx.now(), etaSeconds: 0, note: undefined });
    void this.ctx.sendControl(t.from, { t: 'file-done', id: t.id }).catch(() => {});
  }

  /** `file-final` from the sender: main checks its signature and binding, then the hash against every opened chunk. */
  async onFinal(from: string, id: string, finalText: string): Promise<void> {
    const t = this.incoming.get(id);
    if (!t || t.from !== from || t.closed) return;
    const bytes = fromB64u(finalText);
    try {
      if (!bytes) throw new Error('it is not valid base64url');
      const info = await unwrap(window.veil.files.receiveFinal(id, bytes));
      t.finalAccepted = true;
      if (info.state === 'verified') this.verified(t);
    } catch (err) {
      this.fail(t, `The sender's signed file hash was refused, so the file was not kept: ${failureText(err)}`, true);
    }
  }

  private openFailed(t: Incoming, err: unknown): void {
    if (t.closed) return;
    if (err instanceof PortStatusError && err.status === 'stale-attempt') return;
    if (err instanceof PortStatusError && err.status === 'not-found') return this.warnOnce(t.id, `Dropped file data for an unknown transfer from ${peerName(this.ctx, t.from)}`);
    this.fail(t, failureText(err), true);
  }

  /** This transfer failed here: show why, tell the sender; every other transfer and the call go on. */
  private fail(t: Incoming, text: string, tellPeer: boolean): void {
    if (t.closed) return;
    t.closed = true;
    if (t.finalTimer) clearTimeout(t.finalTimer);
    void window.veil.files.cancel(t.id).catch(() => {});
    this.s.patchTransfer(t.id, { state: 'failed', error: text, finishedAt: this.ctx.now(), note: undefined });
    if (tellPeer) void this.ctx.sendControl(t.from, { t: 'file-cancel', id: t.id, reason: text.slice(0, 200) }).catch(() => {});
  }

  private warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    if (this.warned.size > 256) this.warned.clear();
    this.warned.add(key);
    this.s.pushAlert(text);
  }

  onLinkDown(identityKey: string): void {
    for (const t of this.incoming.values()) {
      const entry = this.s.transfers[t.id];
      if (t.from === identityKey && entry?.state === 'receiving') this.s.patchTransfer(t.id, { state: 'paused', note: 'waiting for connection' });
    }
  }

  /** The link to a sender is authenticated again: ask it to continue from what main verified. */
  async onLinkUp(identityKey: string): Promise<void> {
    for (const t of this.incoming.values()) {
      const entry: TransferEntry | undefined = this.s.transfers[t.id];
      if (t.from !== identityKey || t.closed || !entry || (entry.state !== 'receiving' && entry.state !== 'paused')) continue;
      try {
        const info = await unwrap(window.veil.files.get(t.id));
        if (info.state !== 'receiving') continue;
        t.acks.reset(info.verifiedChunks);
        await this.ctx.sendControl(t.from, { t: 'file-resume', id: t.id, next: info.verifiedChunks });
        this.s.patchTransfer(t.id, { state: 'receiving', note: undefined });
      } catch (err) {
        this.s.patchTransfer(t.id, { note: `could not resume: ${errorText(err)}` });
      }
    }
  }

  /** The sender left the room: nobody can resume these transfers. */
  async peerGone(identityKey: string): Promise<void> {
    for (const t of this.incoming.values()) {
      if (t.from !== identityKey || t.closed) continue;
      const name = this.s.transfers[t.id]?.peerName ?? 'The sender';
      this.fail(t, `${name} left the room`, false);
    }
  }

  /** Leaving the room: nothing in flight survives, main wipes the keys and spools. */
  async stop(): Promise<void> {
    const open = [...this.incoming.values()].filter((t) => !t.closed && !FINAL_STATES.has(this.s.transfers[t.id]?.state ?? 'failed'));
    for (const t of this.incoming.values()) t.closed = true;
    await Promise.all(open.map((t) => window.veil.files.cancel(t.id).catch(() => {})));
    this.incoming.clear();
  }
}
