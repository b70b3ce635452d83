// Our own SFrame send keys in one call: ratchet on join, fresh on leave, and when to switch so receivers never miss frames.
import { mediaKid } from '../../protocol/media-key-wire';
import { freshBaseKey, ratchetBaseKey, wipe, type CryptoBackend } from '../crypto';

export interface SendKey { generation: number; epoch: number; kid: number; baseKey: Uint8Array }

export interface SendKeyScheduleOptions {
  backend: CryptoBackend; senderIndex: number;
  /** Wait before sending under a key receivers cannot derive (a fresh key after a leave): they must have been sent it. */
  switchDelayMs: number;
  /** Wait before sending under our first key or a ratchet of the key in use: every holder of that key derived the ratchet
   *  when it accepted it, and nobody misses frames under a first key. Short, so joins that come together share one key. */
  quickSwitchDelayMs: number;
  /** Called when a key becomes the one frames are sent under (post it to the key port). */
  onSwitch(key: SendKey): void;
}

/**
 * `sending` is what frames go out under; `pending` was made and sent to the members and becomes `sending` after a wait:
 * `quickSwitchDelayMs` for our first key and for a ratchet of `sending` (receivers pre-derive it), `switchDelayMs` for
 * anything else (a newer pending key restarts the wait, as its receivers need the time too).
 * A pending key has encrypted no frame yet, so a member joining while one exists may get it without a new ratchet,
 * unless room chat was already sealed under it (then the newcomer gets a ratchet, and cannot read that chat).
 */
export class SendKeySchedule {
  private sending: SendKey | null = null;
  private pending: SendKey | null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextEpoch = 1;
  private disposed = false;
  /** Room chat was sealed under the pending key: a newcomer must then get a ratchet of it, never the key itself. */
  private pendingUsedByChat = false;

  constructor(private readonly opts: SendKeyScheduleOptions) {
    this.pending = this.make(0, 0, freshBaseKey(opts.backend));
    this.arm(opts.quickSwitchDelayMs);
  }

  /** The keys a member may need now, oldest first: the one in use (if any) and the pending one (if any). */
  live(): SendKey[] {
    return [this.sending, this.pending].filter((k): k is SendKey => k !== null);
  }

  /** The newest key: a newcomer gets this one and nothing older. */
  latest(): SendKey { return this.pending ?? this.sending!; }

  /** True while the newest key has not been used for sending (a join then needs no new ratchet). */
  get hasPending(): boolean { return this.pending !== null; }

  /**
   * A member joined (or came back): next = HKDF(latest), same generation, epoch + 1; unless the latest key is still
   * unused and not older than `minEpoch` (the member must not get that one), then that key.
   */
  ratchetForJoin(minEpoch: number): SendKey {
    if (this.pending && !this.pendingUsedByChat && this.pending.epoch >= minEpoch) return this.pending;
    const from = this.latest();
    const quick = from === this.sending;
    return this.replacePending(this.make(from.generation, this.nextEpoch++, ratchetBaseKey(this.opts.backend, from.baseKey)), quick);
  }

  /** Room chat is about to be sealed under `key` (the latest): if it is the pending one, it is no longer unused. */
  markChatUse(key: SendKey): void {
    if (key === this.pending) this.pendingUsedByChat = true;
  }

  /** A member left or lost trust: a fresh random key in a new generation, whatever was pending. */
  freshForLeave(): SendKey {
    const from = this.latest();
    return this.replacePending(this.make(from.generation + 1, this.nextEpoch++, freshBaseKey(this.opts.backend)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const k of this.live()) wipe(k.baseKey);
    this.sending = null;
    this.pending = null;
  }

  private make(generation: number, epoch: number, baseKey: Uint8Array): SendKey {
    return { generation, epoch, kid: mediaKid(this.opts.senderIndex, epoch), baseKey };
  }

  /** `quick`: the new key is a ratchet of `sending`, which every holder of `sending` already derived. */
  private replacePending(key: SendKey, quick = false): SendKey {
    // A replaced pending key never encrypted a frame: nothing needs it any more.
    if (this.hasPending) wipe(this.pending!.baseKey);
    this.pending = key;
    this.pendingUsedByChat = false;
    this.arm(quick ? this.opts.quickSwitchDelayMs : this.opts.switchDelayMs);
    return key;
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.switchNow(), delayMs);
    this.timer.unref?.();
  }

  private switchNow(): void {
    this.timer = null;
    if (this.disposed || !this.hasPending) return;
    const previous = this.sending;
    const next = this.pending!;
    this.sending = next;
    this.pending = null;
    this.pendingUsedByChat = false;
    if (previous) wipe(previous.baseKey);
    this.opts.onSwitch(next);
  }
}
