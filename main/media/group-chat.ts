// One call's room-chat keys (PROTOCOL.md §22): ours derived from the newest send key, each member's from its accepted media keys; the receive checks.
import { fromB64u } from '../../protocol/encoding';
import { LIMITS } from '../../protocol/limits';
import { GROUP_CHAT_LIMITS, type GroupChatRefusal } from '../../protocol/group-chat';
import { deriveGroupChatKey, GROUP_CHAT_MAX_COUNTER, openGroupChatBody, parseGroupChat, ReplayWindow, verifyGroupChatSignature, wipe,
  type CryptoBackend } from '../crypto';
import { DomainError } from '../errors';
import type { SendKey } from './send-keys';

interface ReceiveChatKey { key: Uint8Array; window: ReplayWindow }
interface OwnChatKey { source: SendKey; kid: number; key: Uint8Array; counter: number }

/** A refusal with its typed reason (the IPC code is the same word). */
export class GroupChatRefused extends DomainError {
  constructor(readonly reason: GroupChatRefusal, message: string) {
    super(reason === 'bad-signature' ? 'bad-signature' : reason, message);
  }
}

/** `trusted`: our gate passes for it now (a member whose key change waits for the user's decision is read as having no key). */
export interface GroupChatSender { peerId: string; identityKey: string; trusted: boolean }

/** Only main holds these keys; every one is wiped when its sender leaves, loses trust, or the call stops. */
export class GroupChatKeys {
  private own: OwnChatKey | null = null;
  private readonly received = new Map<string, Map<number, ReceiveChatKey>>();
  private readonly recent = new Map<string, number[]>();
  private readonly refusals = new Map<string, Partial<Record<GroupChatRefusal, number>>>();
  private refusedFromNonMembers = 0;

  constructor(private readonly backend: CryptoBackend, private readonly roomId: string) {}

  /** A member's media key was accepted: its chat key for that KID, derived before the caller wipes the base key. */
  accept(peerId: string, kid: number, baseKey: Uint8Array): void {
    let keys = this.received.get(peerId);
    if (!keys) this.received.set(peerId, (keys = new Map()));
    const old = keys.get(kid);
    if (old) { wipe(old.key); keys.delete(kid); }
    keys.set(kid, { key: deriveGroupChatKey(this.backend, baseKey, this.roomId, kid), window: new ReplayWindow() });
    // Oldest first (insertion order): the fifth key pushes out the oldest, as in the frame worker.
    while (keys.size > GROUP_CHAT_LIMITS.keysPerSender) {
      const [oldestKid, oldest] = keys.entries().next().value as [number, ReceiveChatKey];
      wipe(oldest.key);
      keys.delete(oldestKid);
    }
  }

  /** The member left or lost trust: nothing from it opens any more. */
  dropSender(peerId: string): void {
    for (const k of this.received.get(peerId)?.values() ?? []) wipe(k.key);
    this.received.delete(peerId);
    this.recent.delete(peerId);
  }

  /** Our chat key for the newest send key (a new send key starts a new key and counter 0), and the next counter. */
  nextSend(latest: SendKey): { chatKey: Uint8Array; kid: number; counter: number } {
    if (this.own?.source !== latest) {
      wipe(this.own?.key);
      this.own = { source: latest, kid: latest.kid, key: deriveGroupChatKey(this.backend, latest.baseKey, this.roomId, latest.kid), counter: 0 };
    }
    const own = this.own;
    if (own.counter > GROUP_CHAT_MAX_COUNTER) throw new DomainError('bad-state', 'chat counter exhausted: wait for a new key');
    return { chatKey: own.key, kid: own.kid, counter: own.counter++ };
  }

  /** Every check of §22.3 in order; the first failure is counted for the sender and thrown, and changes nothing else. */
  open(sender: GroupChatSender | null, fromPeerId: string, blob: string, now: number): { plaintext: Uint8Array; sentAt: number } {
    if (!sender) throw this.refuse(fromPeerId, 'not-member', 'room message from someone who is not a member of the call');
    const t = now;
    const recent = (this.recent.get(fromPeerId) ?? []).filter((x) => t - x < GROUP_CHAT_LIMITS.receiveWindowMs);
    if (recent.length >= GROUP_CHAT_LIMITS.receivePerMemberPerWindow) throw this.refuse(fromPeerId, 'over-quota', 'too many room messages from this member');
    this.recent.set(fromPeerId, [...recent, t]);
    const bytes = fromB64u(blob);
    const parsed = bytes ? parseGroupChat(bytes, GROUP_CHAT_LIMITS.maxBlobChars) : null;
    if (!parsed) throw this.refuse(fromPeerId, 'malformed', 'room message is malformed');
    const held = this.received.get(fromPeerId)?.get(parsed.header.kid);
    if (!held) throw this.refuse(fromPeerId, 'no-key', 'no chat key from this member for this KID');
    if (!sender.trusted) throw this.refuse(fromPeerId, 'no-key', 'this member is not trusted here now (pending decision, revoked or expired)');
    const identityKey = fromB64u(sender.identityKey)!;
    if (!verifyGroupChatSignature(this.backend, parsed, this.roomId, identityKey)) {
      throw this.refuse(fromPeerId, 'bad-signature', "room message is not signed by this member's identity key");
    }
    // The window rejects 0, so counter c is recorded as c + 1.
    if (held.window.check(parsed.header.counter + 1) !== 'ok') throw this.refuse(fromPeerId, 'replay', 'room message counter already seen or too old');
    if (Math.abs(now - parsed.header.sentAt) > LIMITS.freshnessTtlMs) throw this.refuse(fromPeerId, 'stale', 'room message outside the freshness window');
    const plaintext = openGroupChatBody(this.backend, parsed, held.key, this.roomId, identityKey);
    if (!plaintext) throw this.refuse(fromPeerId, 'decrypt-failed', 'room message did not authenticate');
    held.window.commit(parsed.header.counter + 1);
    return { plaintext, sentAt: parsed.header.sentAt };
  }

  /** Refusals so far, per member (and one count for senders that were not members). */
  refusalCounts(): { members: Record<string, Partial<Record<GroupChatRefusal, number>>>; nonMembers: number } {
    return { members: Object.fromEntries([...this.refusals].map(([k, v]) => [k, { ...v }])), nonMembers: this.refusedFromNonMembers };
  }

  /** KIDs we hold a chat key for, per sender (tests and audit; never the keys). */
  heldKids(peerId: string): number[] { return [...(this.received.get(peerId)?.keys() ?? [])]; }

  dispose(): void {
    for (const peerId of [...this.received.keys()]) this.dropSender(peerId);
    wipe(this.own?.key);
    this.own = null;
  }

  private refuse(peerId: string, reason: GroupChatRefusal, message: string): GroupChatRefused {
    if (reason === 'not-member') this.refusedFromNonMembers++;
    else if (this.refusals.has(peerId) || this.refusals.size < 4 * LIMITS.maxRoomMembers) {
      const counts = this.refusals.get(peerId) ?? {};
      counts[reason] = (counts[reason] ?? 0) + 1;
      this.refusals.set(peerId, counts);
    }
    return new GroupChatRefused(reason, message);
  }
}
