// SFU room chat sealed once per message (PROTOCOL.md §22): the opaque blob the server relays, its limits, and the typed refusals.
import { z } from 'zod';

export const GROUP_CHAT_LIMITS = {
  /**
   * Largest plaintext main seals for the room: the blob (base64url) must fit the server's default 64 KiB event buffer.
   * A longer line goes pairwise instead.
   */
  maxPlaintextBytes: 40 * 1024,
  /** base64url of header (21) + plaintext + tag (16) + signature (64). */
  maxBlobChars: 54_748,
  /** Chat keys kept per sender (by KID), like the frame worker's receive keys. */
  keysPerSender: 4,
  /** Messages main opens from one member per `receiveWindowMs` before refusing with `over-quota`. */
  receivePerMemberPerWindow: 50,
  receiveWindowMs: 10_000,
  /** Messages one socket may send to its room per second through the server. */
  relayPerSocketPerSec: 10
} as const;

/** Why a received room message was refused, in check order (after `over-quota` and `malformed`). */
export const GROUP_CHAT_REFUSALS = ['not-member', 'over-quota', 'malformed', 'no-key', 'bad-signature', 'replay', 'stale', 'decrypt-failed'] as const;
export type GroupChatRefusal = (typeof GROUP_CHAT_REFUSALS)[number];

export const sealedGroupChatSchema = z.string().min(1).max(GROUP_CHAT_LIMITS.maxBlobChars).regex(/^[A-Za-z0-9_-]+$/);

/** What `media:sealGroupChat` answers: the blob for `chat:group`, and the members that hold the key it is sealed under. */
export interface SealedGroupChat {
  blob: string;
  kid: number;
  /** peerIds main delivered this key to; every other member must get the line pairwise. */
  covered: string[];
}

/** What `media:openGroupChat` answers once every check passed. */
export interface OpenedGroupChat { peerId: string; identityKey: string; plaintext: Uint8Array; sentAt: number }
