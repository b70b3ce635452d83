// Sealing and opening chat envelopes for the IPC layer, with rejection counting and audit of every refused message.
import { toB64u } from '../../protocol/encoding';
import type { OpenedMessage } from '../../protocol/ipc-e2ee';
import { LIMITS } from '../../protocol/limits';
import { EnvelopeRejected, openEnvelope, sealEnvelope } from '../crypto';
import { IpcFailure } from '../ipc/dispatcher';
import type { E2eeCore } from './e2ee';

export async function sealMessage(core: E2eeCore, roomId: string, peerIdentityKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
  if (plaintext.length > LIMITS.maxPlaintextBytes) throw new IpcFailure('too-large', 'message too large');
  const id = await core.identity.get();
  const room = core.requireRoom(roomId);
  const peer = core.peers.get(roomId, peerIdentityKey);
  const session = peer ? core.peers.current(peer) : null;
  if (!peer || !session) throw new IpcFailure('no-session', 'no session with this peer in this room');
  core.contacts.assertSendable(peer.displayName, peerIdentityKey);
  if (core.now() >= session.peerExpiresAt) throw new IpcFailure('expired', "the peer's room key expired: wait for its rotation");
  if (core.now() >= room.current.expiresAt) throw new IpcFailure('expired', 'our room key expired');
  const counter = session.counters.sendCounter + 1;
  const envelope = sealEnvelope(core.backend, {
    sendKey: session.keys.sendKey, counter, sentAt: core.now(), senderKeyId: session.myKeyId, recipientKeyId: session.peerKeyId,
    ...(core.settings.signMessages ? { signingSeed: id.seed } : {})
  }, plaintext);
  session.counters.sendCounter = counter;
  core.stats.messagesSealed++;
  return envelope;
}

/** Opens an envelope from `peerIdentityKey`. Every failure is counted, audited and leaves all state unchanged. */
export async function openMessage(core: E2eeCore, roomId: string, peerIdentityKey: string, envelope: Uint8Array): Promise<OpenedMessage> {
  await core.identity.get();
  const room = core.requireRoom(roomId);
  const peer = core.peers.get(roomId, peerIdentityKey);
  try {
    const result = openEnvelope(core.backend, envelope, {
      now: core.now(), freshnessTtlMs: LIMITS.freshnessTtlMs, maxBytes: LIMITS.maxEnvelopeBytes, requireSignature: false,
      resolve(header) {
        const mine = core.roomKeys.recipientKey(room, header.recipientKeyId);
        if (!mine) {
          const revoked = room.revokedKeyIds.includes(toB64u(header.recipientKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'wrong-recipient', 'envelope is not addressed to a live key of ours');
        }
        if (!peer) throw new EnvelopeRejected('unknown-key', 'no session with this sender');
        const session = core.peers.find(peer, header.senderKeyId, mine.ephemeral.keyId);
        if (!session) {
          const revoked = peer.revokedKeyIds.includes(toB64u(header.senderKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'unknown-key', 'sender key is not one of this peer\'s live keys');
        }
        if (core.now() >= session.peerExpiresAt) throw new EnvelopeRejected('expired', "the sender's room key expired");
        return { recvKey: session.keys.recvKey, window: session.counters.window, peerIdentityKey: peer.identityKey };
      }
    });
    result.commit();
    core.stats.messagesOpened++;
    core.contacts.confirmContinuity(peerIdentityKey);
    return { plaintext: result.plaintext, senderIdentityKey: peerIdentityKey, counter: result.header.counter, sentAt: result.header.sentAt,
      keyId: toB64u(result.header.senderKeyId) };
  } catch (err) {
    if (err instanceof EnvelopeRejected) throw core.reject(err.reason, 'message', err.message, { roomId, peerIdentityKey });
    throw err;
  }
}
