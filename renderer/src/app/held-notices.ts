// "Your messages wait for my decision": sending our signed held notices, and accepting a peer's only after main checked it.
import { HELD_NOTICE_RESEND_MS, type WireHeldNotice } from '../../../protocol/held-notice';
import { isolate } from '../lib/shown-names';
import { errorCode, unwrap } from '../lib/veil';
import type { AppStore } from '../store';
import { shownNameOf } from './names';

/** Notices from one member that we check per minute; the rest are dropped and counted (a server flood costs nothing). */
export const MAX_HELD_CHECKS_PER_MINUTE = 6;
const CHECK_WINDOW_MS = 60_000;
/** Distinct members we keep send / check times for. */
const MAX_TRACKED = 256;

export const HELD_REFUSED = 'held notice refused';

export interface HeldNoticeDeps {
  store: AppStore;
  roomId: string;
  /** Sends our notice through the server to one route. */
  emit(toPeerId: string, notice: WireHeldNotice): void;
  now(): number;
}

export class HeldNotices {
  private sentAt = new Map<string, number>();
  private checks = new Map<string, number[]>();

  constructor(private readonly d: HeldNoticeDeps) {}

  private get s() { return this.d.store.getState(); }

  /** We hold a decision about this peer: tell it, signed by our identity key (main signs only while it is pending). */
  async announce(identityKey: string): Promise<void> {
    const p = this.s.peers[identityKey];
    if (!p || !p.sessionOpen || !this.s.keyChanges.includes(identityKey)) return;
    const key = `${identityKey}|${p.keyId}|${p.peerId}`;
    const last = this.sentAt.get(key);
    if (last !== undefined && this.d.now() - last < HELD_NOTICE_RESEND_MS) return;
    if (this.sentAt.size >= MAX_TRACKED) this.sentAt.clear();
    this.sentAt.set(key, this.d.now());
    try {
      const notice = await unwrap(window.veil.trust.signHeld(this.d.roomId, identityKey));
      this.d.emit(p.peerId, notice);
    } catch {
      // The decision was made meanwhile, or the peer left: nothing to tell.
    }
  }

  /**
   * A notice the server says came from `fromPeerId`. It counts only if main verified it: signed by that member's identity
   * key (the one its verified bundle carries), about us and our live room key, fresh. Anything else is dropped and counted.
   */
  async receive(fromPeerId: string, notice: WireHeldNotice): Promise<void> {
    const peer = Object.values(this.s.peers).find((p) => p.peerId === fromPeerId && p.sessionOpen);
    if (!peer) return this.refuse(null, 'from no member we hold a session with');
    if (!this.allowCheck(peer.identityKey)) return this.refuse(null, 'too many from one member');
    try {
      const ok = await unwrap(window.veil.trust.checkHeld(this.d.roomId, peer.identityKey, notice));
      if (ok.signer !== peer.identityKey) return this.refuse(peer.identityKey, 'signed by someone else');
    } catch (err) {
      return this.refuse(peer.identityKey, errorCode(err));
    }
    const first = !(peer.identityKey in this.s.heldBy);
    this.s.setHeldBy(peer.identityKey, notice.issuedAt);
    if (first) {
      const name = shownNameOf(this.s, peer.identityKey, peer.displayName).label;
      this.s.addMessage({ id: `held:${peer.identityKey}:${notice.issuedAt}`, from: 'system', fromName: name, at: Date.now(), kind: 'notice',
        text: `${name}'s app keeps your messages waiting until ${name} confirms your new key.` });
    }
  }

  private allowCheck(identityKey: string): boolean {
    const now = this.d.now();
    const recent = (this.checks.get(identityKey) ?? []).filter((t) => now - t < CHECK_WINDOW_MS);
    if (recent.length >= MAX_HELD_CHECKS_PER_MINUTE) return false;
    if (this.checks.size >= MAX_TRACKED && !this.checks.has(identityKey)) this.checks.clear();
    recent.push(now);
    this.checks.set(identityKey, recent);
    return true;
  }

  private refuse(identityKey: string | null, why: string): void {
    const reason = `${HELD_REFUSED}: ${why}`;
    if (!this.s.countRefusal(reason)) return;
    const name = identityKey ? shownNameOf(this.s, identityKey, 'a member').label : null;
    this.s.pushAlert(`Ignored a "messages waiting" notice${name ? ` said to come from ${isolate(name)}` : ''}: ${why}`);
  }
}
