// The page's part in SFU media keys: sends main's sealed blobs as `media:key`, and hands incoming ones to main once their sender was announced.
import type { MediaKeyOutgoing } from '../../../protocol/ipc-media';
import type { VeilApi } from '../../../protocol/ipc';
import { unwrap } from '../lib/veil';

/** Blobs held per member main has not been told about yet, and members held for: bounded, the oldest goes. */
const HELD_PER_PEER = 4;
const HELD_PEERS = 64;
/** A send refused with `rate-limited`, or whose ack never came (`timeout`), is tried again after this long, at most this
 *  many times. A timed-out send may have got through: its repeat reaches main as a `replay`, which changes nothing there. */
const RETRY_MS = 1_000;
const MAX_TRIES = 3;
const RETRIED = new Set(['rate-limited', 'timeout']);

export interface MediaKeyRelayDeps {
  roomId: string;
  media: VeilApi['media'];
  /** Emits `media:key` {to, blob} and resolves on its ack; rejects with an error whose `code` is the server's. */
  send(to: string, blob: string): Promise<unknown>;
  /** Told when main refused a key (its code) or a send failed for good; never given the blob. */
  onProblem?(peerId: string, code: string): void;
  sleep?(ms: number): Promise<void>;
}

export class MediaKeyRelay {
  private readonly announced = new Set<string>();
  private readonly held = new Map<string, string[]>();
  /** Sends go out in order on their own chain: a slow ack (or its retries) never holds back keys we receive. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MediaKeyRelayDeps) {}

  /** After `session:open`: main learns the member, seals what it may get; keys it sent us earlier go to main now. */
  async memberJoined(peerId: string, identityKey: string): Promise<void> {
    const out = await unwrap(this.deps.media.memberJoined(this.deps.roomId, peerId, identityKey));
    this.announced.add(peerId);
    const early = this.held.get(peerId) ?? [];
    this.held.delete(peerId);
    for (const blob of early) await this.toMain(peerId, blob);
    this.queueSends(out);
  }

  async memberLeft(peerId: string): Promise<void> {
    this.held.delete(peerId);
    if (!this.announced.delete(peerId)) return;
    this.queueSends(await unwrap(this.deps.media.memberLeft(this.deps.roomId, peerId)));
  }

  /** After a trust decision, a revocation or a rotation. */
  async syncTrust(): Promise<void> {
    this.queueSends(await unwrap(this.deps.media.syncTrust(this.deps.roomId)));
  }

  /** A `media:key` server event (already schema-checked by the signaling client). */
  async received(from: string, blob: string): Promise<void> {
    if (this.announced.has(from)) return this.toMain(from, blob);
    if (!this.held.has(from) && this.held.size >= HELD_PEERS) this.held.delete(this.held.keys().next().value!);
    const list = this.held.get(from) ?? [];
    list.push(blob);
    if (list.length > HELD_PER_PEER) list.shift();
    this.held.set(from, list);
  }

  private async toMain(from: string, blob: string): Promise<void> {
    const res = await this.deps.media.receiveKey(this.deps.roomId, from, blob);
    // A replay is refused by main and leaves the key we hold; the sender repeating a send whose ack was lost looks the same.
    if (!res.ok && res.error.code !== 'replay') this.deps.onProblem?.(from, res.error.code);
  }

  /** Settles once every blob main gave us so far was sent, or reported as not sent. */
  sent(): Promise<void> { return this.sending; }

  private queueSends(out: MediaKeyOutgoing): void {
    if (out.outgoing.length === 0) return;
    this.sending = this.sending.then(async () => { for (const d of out.outgoing) await this.sendOne(d.to, d.blob); }).catch(() => undefined);
  }

  private async sendOne(to: string, blob: string): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.send(to, blob);
        return;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code !== 'string' || !RETRIED.has(code) || attempt >= MAX_TRIES) {
          this.deps.onProblem?.(to, typeof code === 'string' ? code : 'send-failed');
          return;
        }
        await sleep(RETRY_MS * attempt);
      }
    }
  }
}
