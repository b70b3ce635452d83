// Signing what we send the whole SFU room with our identity key: room chat lines and frame-origin digests (the seed never leaves main/e2ee).
import { GROUP_CHAT_LIMITS } from '../../protocol/group-chat';
import { sealGroupChat, signFrameOrigin } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';

export interface GroupChatSealFields { chatKey: Uint8Array; kid: number; counter: number }

/** The sealed message (PROTOCOL.md §22) and when it says it was sent; refuses a room we hold no key for or an oversized line. */
export async function sealGroupChatAsSelf(p: E2eeParts, roomId: string, fields: GroupChatSealFields, plaintext: Uint8Array): Promise<{ bytes: Uint8Array; sentAt: number }> {
  if (plaintext.length > GROUP_CHAT_LIMITS.maxPlaintextBytes) throw new DomainError('too-large', 'message too large for the room path');
  const id = await p.identity.get();
  p.requireRoom(roomId);
  const sentAt = p.now();
  const bytes = sealGroupChat(p.backend, { ...fields, roomId, sentAt, senderIdentityKey: id.publicKey, signingSeed: id.seed }, plaintext);
  p.stats.count('messagesSealed');
  return { bytes, sentAt };
}

/** Signs a frame-origin digest of our own sealed frames (PROTOCOL.md §22a) with our identity key; `sentAt` is our clock. */
export async function signFrameOriginAsSelf(p: E2eeParts, roomId: string, run: { kid: number; firstCtr: number; tags: Uint8Array }): Promise<Uint8Array> {
  const id = await p.identity.get();
  p.requireRoom(roomId);
  return signFrameOrigin(p.backend, roomId, { ...run, sentAt: p.now() }, id.seed);
}
