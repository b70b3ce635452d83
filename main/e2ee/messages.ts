// Sealing and opening chat envelopes on a peer session, with rejection counting and audit of every refused message.
import { toB64u } from '../../protocol/encoding';
import type { OpenedMessage } from '../../protocol/ipc-e2ee';
import { LIMITS } from '../../protocol/limits';
import { EnvelopeRejected, openEnvelope, sealEnvelope } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';

export async function sealMessage(p: E2eeParts, roomId: string, peerIdentityKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
  if (plaintext.length > LIMITS.maxPlaintextBytes) throw new DomainError('too-large', 'message too large');
  const id = await p.identity.get();
  const room = p.requireRoom(roomId);
  const peer = p.peers.get(roomId, peerIdentityKey);
  const session = peer ? p.peers.current(peer) : null;
  if (!peer || !session) throw new DomainError('no-session', 'no session with this peer in this room');
  p.contacts.assertSendable(peer.displayName, peerIdentityKey);
  if (p.now() >= session.peerExpiresAt) throw new DomainError('expired', "the peer's room key expired: wait for its rotation");
  if (p.now() >= room.current.expiresAt) throw new DomainError('expired', 'our room key expired');
  const signMessages = p.settings().signMessages;
  const envelope = p.peers.sealNext(session, (sendKey, counter) => sealEnvelope(p.backend, {
    sendKey, counter, sentAt: p.now(), senderKeyId: session.myKeyId, recipientKeyId: session.peerKeyId,
    ...(signMessages ? { signingSeed: id.seed } : {})
  }, plaintext));
  p.stats.count('messagesSealed');
  return envelope;
}

/** Opens an envelope from `peerIdentityKey`. Every failure is counted, audited and leaves all state unchanged. */
export async function openMessage(p: E2eeParts, roomId: string, peerIdentityKey: string, envelope: Uint8Array): Promise<OpenedMessage> {
  await p.identity.get();
  const room = p.requireRoom(roomId);
  const peer = p.peers.get(roomId, peerIdentityKey);
  try {
    const result = openEnvelope(p.backend, envelope, {
      now: p.now(), freshnessTtlMs: LIMITS.freshnessTtlMs, maxBytes: LIMITS.maxEnvelopeBytes, requireSignature: false,
      resolve(header) {
        const mine = p.roomKeys.recipientKey(room, header.recipientKeyId);
        if (!mine) {
          const revoked = room.revokedKeyIds.includes(toB64u(header.recipientKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'wrong-recipient', 'envelope is not addressed to a live key of ours');
        }
        if (!peer) throw new EnvelopeRejected('unknown-key', 'no session with this sender');
        const session = p.peers.find(peer, header.senderKeyId, mine.ephemeral.keyId);
        if (!session) {
          const revoked = peer.revokedKeyIds.includes(toB64u(header.senderKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'unknown-key', 'sender key is not one of this peer\'s live keys');
        }
        if (p.now() >= session.peerExpiresAt) throw new EnvelopeRejected('expired', "the sender's room key expired");
        return { recvKey: session.keys.recvKey, window: session.counters.window, peerIdentityKey: peer.identityKey };
      }
    });
    result.commit();
    p.stats.count('messagesOpened');
    p.contacts.confirmContinuity(peerIdentityKey);
    return { plaintext: result.plaintext, senderIdentityKey: peerIdentityKey, counter: result.header.counter, sentAt: result.header.sentAt,
      keyId: toB64u(result.header.senderKeyId) };
  } catch (err) {
    if (err instanceof EnvelopeRejected) throw p.reject(err.reason, 'message', err.message, { roomId, peerIdentityKey });
    throw err;
  }
}
