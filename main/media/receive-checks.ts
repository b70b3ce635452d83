// The rules a received media key must pass after its envelope opened (PROTOCOL.md §18a): room, recipient, sender, KID, epoch order.
import { mediaKid, mediaKeyMessageSchema, type MediaKeyMessage } from '../../protocol/media-key-wire';
import { DomainError } from '../errors';

/** What we accepted last from one member in this call: its KID's senderIndex is fixed from its first key. */
export interface ReceivedFrom { senderIndex: number; generation: number; epoch: number }

export interface ReceiveContext {
  roomId: string;
  /** Our own peerId in the call. */
  selfId: string;
  /** The member the server says sent it (stamped from its socket), already matched to the identity whose session opened it. */
  fromPeerId: string;
  last: ReceivedFrom | null;
  /** senderIndexes of the member's earlier calls (a restarted call picks a new one): never accepted again. */
  retired: readonly number[];
  /** The member that already uses this senderIndex in the call, if any. */
  ownerOf(senderIndex: number): string | undefined;
}

/** Parses the opened plaintext and applies every rule; throws a DomainError naming the first one that fails. */
export function checkReceivedKey(plaintext: Uint8Array, ctx: ReceiveContext): MediaKeyMessage {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new DomainError('malformed', 'media key message is not JSON');
  }
  const parsed = mediaKeyMessageSchema.safeParse(json);
  if (!parsed.success) throw new DomainError('malformed', 'media key message has the wrong shape');
  const m = parsed.data;
  if (m.roomId !== ctx.roomId) throw new DomainError('wrong-room', 'media key was sealed for another room');
  if (m.recipientId !== ctx.selfId) throw new DomainError('wrong-recipient', 'media key names another recipient');
  if (m.senderId !== ctx.fromPeerId) throw new DomainError('wrong-sender', 'media key names another sender');
  if (m.kid !== mediaKid(m.senderIndex, m.epoch)) throw new DomainError('wrong-sender', 'KID does not match its senderIndex and epoch');
  const owner = ctx.ownerOf(m.senderIndex);
  if (owner !== undefined && owner !== ctx.fromPeerId) throw new DomainError('wrong-sender', "KID belongs to another member's senderIndex");
  if (ctx.retired.includes(m.senderIndex)) throw new DomainError('wrong-sender', 'media key from a call this member already ended');
  // A new senderIndex is the member's new call (it restarted its SFU call): its epochs start over.
  if (ctx.last && ctx.last.senderIndex === m.senderIndex && (m.generation < ctx.last.generation || m.epoch <= ctx.last.epoch)) {
    throw new DomainError('old-epoch', 'media key epoch does not move forward');
  }
  return m;
}
