// SFU media keys between members: the sealed key message's plaintext JSON, the opaque blob relayed by the server, and their limits.
import { z } from 'zod';
import { b64uBytes, roomIdSchema } from './keys';
import { mediaSenderIdSchema } from './media-keys';

export const MEDIA_KEY_LIMITS = {
  /** Our base keys: 32 random bytes (the worker accepts 16..64). */
  baseKeyBytes: 32,
  /** Largest sealed blob (base64url characters) the server relays and main opens: a key message is about 610. */
  maxBlobChars: 1024,
  /** senderIndex is 24 bits of the KID. */
  maxSenderIndex: 0xffffff,
  /** Key messages main accepts from one member per `receiveWindowMs` before refusing with `over-quota`. */
  receivePerMemberPerWindow: 20,
  receiveWindowMs: 10_000,
  /**
   * Key messages one socket may relay per second through the server (under the server's general 50 events/s, so
   * other events still pass): a full 64-member room gets a new key from one sender in about 1.6 s, within the switch delay.
   */
  relayPerSocketPerSec: 40,
  /** How long a fresh send key (after a leave) waits after delivery before it is used for sending (receivers never miss frames). */
  switchDelayMs: 2_000,
  /** How long our first key, or a join's ratchet of the key in use, waits: receivers derive the ratchet themselves. */
  quickSwitchDelayMs: 200
} as const;

/** KID = senderIndex (24 bits) << 8 | epoch mod 256 (see PROTOCOL.md §18a). */
export function mediaKid(senderIndex: number, epoch: number): number {
  return senderIndex * 256 + (epoch & 0xff);
}

/** The plaintext inside a sealed media-key envelope: JSON, one object, no other fields. */
export const mediaKeyMessageSchema = z.strictObject({
  v: z.literal(1),
  t: z.literal('media-key'),
  roomId: roomIdSchema,
  /** The sender's own peerId, as the server named it in its join answer. */
  senderId: mediaSenderIdSchema,
  /** The recipient's peerId, as the sender sees it. */
  recipientId: mediaSenderIdSchema,
  senderIndex: z.number().int().min(0).max(MEDIA_KEY_LIMITS.maxSenderIndex),
  /** Bumped on every fresh random key (a member left or was dropped). */
  generation: z.number().int().min(0).max(0xffffffff),
  /** Bumped on every new key (ratchet or fresh); never goes back within a call. */
  epoch: z.number().int().min(0).max(0xffffffff),
  kid: z.number().int().min(0).max(0xffffffff),
  baseKey: b64uBytes(MEDIA_KEY_LIMITS.baseKeyBytes)
});
export type MediaKeyMessage = z.infer<typeof mediaKeyMessageSchema>;

/** The sealed envelope as base64url: opaque to the page and the server. */
export const sealedMediaKeySchema = z.string().min(1).max(MEDIA_KEY_LIMITS.maxBlobChars).regex(/^[A-Za-z0-9_-]+$/);

/** One blob main asks the page to send to one member through the server (`media:key`). */
export interface MediaKeyDelivery { to: string; blob: string }
