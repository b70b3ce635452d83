// Sealing one room chat message under our chat key and signing it with our identity key (the seed never leaves main/e2ee).
import { GROUP_CHAT_LIMITS } from '../../protocol/group-chat';
import { sealGroupChat } from '../crypto';
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
