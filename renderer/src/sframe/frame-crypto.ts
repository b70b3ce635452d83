// The frame worker's core: applies key-port messages, seals outgoing and opens incoming encoded frames, counts per sender, checks origin per feed.
import { keyPortMessageSchema, type DropReason, type FrameWorkerStatus, type KeyPortReply, type MediaSenderState } from '../../../protocol/media-keys';
import type { SentFramesMessage } from '../../../protocol/frame-origin';
import { clearPrefixBytes, type FrameShape } from './clear-prefix';
import { ReceiveKeyring, SendContext } from './contexts';
import { OriginTracker } from './origin-tracker';
import { SentFrames, tagPrefixOf } from './sent-frames';

/** A sender counts as "cannot decrypt" once no frame of it opened for this long while frames keep failing. */
const CANNOT_DECRYPT_AFTER_MS = 1000;

interface ReceiveStats {
  state: MediaSenderState; decrypted: number; dropped: number; dropReasons: Record<DropReason, number>; lastOpenedAt: number; dirty: boolean;
}
const noDrops = (): Record<DropReason, number> => ({ malformed: 0, 'unknown-kid': 0, 'auth-failed': 0, replay: 0, 'origin-unproven': 0, 'origin-forged': 0 });

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export class FrameCrypto {
  private readonly send = new SendContext();
  private readonly receive = new ReceiveKeyring();
  private readonly stats = new Map<string, ReceiveStats>();
  private sendStats = { state: 'waiting-key' as 'waiting-key' | 'encrypting' | 'exhausted', encrypted: 0, dropped: 0, dirty: true };
  /** Key messages apply strictly in arrival order, although importing a key is asynchronous. */
  private keyQueue: Promise<void> = Promise.resolve();
  private readonly sent = new SentFrames();
  private readonly origin: OriginTracker;
  /** Set by main only (the key port): a worker fed keys by a test without main records origin but holds nothing back. */
  private requireOrigin = false;

  constructor(private readonly report: (s: FrameWorkerStatus) => void, private readonly now: () => number = () => Date.now()) {
    this.origin = new OriginTracker(now, report);
  }

  /** The frames we sealed since the last call, for main to sign (PROTOCOL.md §22a); ones above a running seal wait. */
  takeSentFrames(): SentFramesMessage[] { return this.sent.take(Number(this.send.settledBelow)); }

  /** Queues one key-port message; bad input is refused with a reply and changes nothing. */
  onKeyMessage(data: unknown, reply: (r: KeyPortReply) => void): Promise<void> {
    this.keyQueue = this.keyQueue.then(() => this.applyKeyMessage(data, reply));
    return this.keyQueue;
  }

  private async applyKeyMessage(data: unknown, reply: (r: KeyPortReply) => void): Promise<void> {
    const parsed = keyPortMessageSchema.safeParse(data);
    if (!parsed.success) return reply({ type: 'key-refused', reason: 'invalid-message' });
    const m = parsed.data;
    try {
      if (m.type === 'set-send-key') {
        await this.send.setKey(m.kid, m.baseKey);
        this.setSendState('encrypting');
      } else if (m.type === 'set-receive-key') {
        if ((await this.receive.setKey(m.senderId, m.kid, m.baseKey)) === 'too-many-senders') reply({ type: 'key-refused', reason: 'too-many-senders' });
      } else if (m.type === 'drop-sender') {
        this.receive.dropSender(m.senderId);
        this.origin.dropSender(m.senderId);
        this.setReceiveState(m.senderId, 'waiting-key');
      } else if (m.type === 'require-origin') {
        this.requireOrigin = true;
      } else if (m.type === 'sender-frames') {
        this.origin.expire();
        this.origin.digest(m.senderId, m.kid, m.firstCtr, m.tags);
      } else {
        this.send.forget();
        this.setSendState('waiting-key');
      }
    } catch {
      reply({ type: 'key-refused', reason: 'import-failed' });
    } finally {
      // Our structured-clone copy of the base key is wiped once imported (or refused).
      if ('baseKey' in m) m.baseKey.fill(0);
    }
  }

  /** Sealed frame bytes (clear prefix ‖ SFrame), or null: then the frame is dropped, never sent in the clear. */
  async sealFrame(data: Uint8Array, shape: FrameShape): Promise<Uint8Array | null> {
    const clear = Math.min(clearPrefixBytes(shape), data.length);
    const prefix = data.subarray(0, clear);
    const r = await this.send.seal(data.subarray(clear), prefix);
    if (!r.ok) {
      this.sendStats.dropped += 1;
      this.sendStats.dirty = true;
      this.setSendState(r.reason === 'exhausted' ? 'exhausted' : 'waiting-key');
      return null;
    }
    this.sendStats.encrypted += 1;
    this.sendStats.dirty = true;
    this.sent.sealed(r.kid, Number(r.ctr), tagPrefixOf(r.frame));
    return concat(prefix, r.frame);
  }

  /** The plaintext frame, or null when it must be dropped (counted against `senderId`). */
  async openFrame(senderId: string, data: Uint8Array, shape: FrameShape, feedId = 'default'): Promise<Uint8Array | null> {
    const clear = clearPrefixBytes(shape);
    const s = this.statsFor(senderId);
    const r = data.length < clear
      ? { ok: false as const, reason: 'malformed' as const }
      : await this.receive.open(senderId, data.subarray(clear), data.subarray(0, clear));
    s.dirty = true;
    if (r.ok) {
      // Opened under the sender's key, which every receiver holds: only the sender's signed digests say it is the sender's.
      this.origin.expire();
      this.origin.opened(senderId, feedId, Number(r.kid), Number(r.ctr), tagPrefixOf(data));
      if (this.requireOrigin && !this.origin.allows(senderId, feedId)) {
        s.dropped += 1;
        s.dropReasons[this.origin.stateOf(senderId, feedId) === 'forged' ? 'origin-forged' : 'origin-unproven'] += 1;
        return null;
      }
      s.decrypted += 1;
      s.lastOpenedAt = this.now();
      this.setReceiveState(senderId, 'decrypting');
      return concat(data.subarray(0, clear), r.plaintext);
    }
    s.dropped += 1;
    s.dropReasons[r.reason] += 1;
    if (!this.receive.hasSender(senderId)) this.setReceiveState(senderId, 'waiting-key');
    else if (this.now() - s.lastOpenedAt >= CANNOT_DECRYPT_AFTER_MS) this.setReceiveState(senderId, 'cannot-decrypt');
    return null;
  }

  /** Reports every sender whose counts moved since the last flush (the worker calls this on a timer). */
  flush(): void {
    this.origin.expire();
    this.origin.flush();
    for (const [senderId, s] of this.stats) if (s.dirty) this.emitReceive(senderId, s);
    if (this.sendStats.dirty) this.emitSend();
  }

  private statsFor(senderId: string): ReceiveStats {
    let s = this.stats.get(senderId);
    if (!s) {
      // Bounded like the keyring: a flood of made-up sender ids on transforms cannot grow this without limit.
      if (this.stats.size >= 512) this.stats.delete(this.stats.keys().next().value ?? '');
      s = { state: 'waiting-key', decrypted: 0, dropped: 0, dropReasons: noDrops(), lastOpenedAt: -Infinity, dirty: true };
      this.stats.set(senderId, s);
      this.emitReceive(senderId, s);
    }
    return s;
  }

  private setReceiveState(senderId: string, state: MediaSenderState): void {
    const s = this.statsFor(senderId);
    if (s.state === state) return;
    s.state = state;
    this.emitReceive(senderId, s);
  }

  private setSendState(state: 'waiting-key' | 'encrypting' | 'exhausted'): void {
    if (this.sendStats.state === state) return;
    this.sendStats.state = state;
    this.emitSend();
  }

  private emitReceive(senderId: string, s: ReceiveStats): void {
    s.dirty = false;
    this.report({ type: 'receive-status', senderId, state: s.state, decrypted: s.decrypted, dropped: s.dropped, dropReasons: { ...s.dropReasons } });
  }

  private emitSend(): void {
    const s = this.sendStats;
    s.dirty = false;
    this.report({ type: 'send-status', state: s.state, encrypted: s.encrypted, dropped: s.dropped });
  }
}
