// Sealing SFU media keys to one member on our pairwise session (always signed, own wrap key), and opening theirs: the trust gate lives here.
import { toB64u } from '../../protocol/encoding';
import { MEDIA_KEY_LIMITS } from '../../protocol/media-key-wire';
import { LIMITS } from '../../protocol/limits';
import { EnvelopeRejected, mediaKeyWrapKey, openEnvelope, sealEnvelope, wipe } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';

/** Why a member cannot get our media key now; `ok` when it can. Everything but `ok` is retried when trust settles. */
export type MediaKeyRecipientState = 'ok' | 'no-session' | 'revoked' | 'expired' | 'changed' | 'lookalike';

/** The gate: a current session from the member's own verified bundle, not revoked or expired, and trust not blocked. */
export function mediaKeyRecipientState(p: E2eeParts, roomId: string, identityKey: string): MediaKeyRecipientState {
  const peer = p.peers.get(roomId, identityKey);
  if (!peer) return 'no-session';
  const session = p.peers.current(peer);
  if (!session) return peer.revokedKeyIds.length > 0 ? 'revoked' : 'no-session';
  if (p.revocations.has(roomId, identityKey, session.peerKeyIdB64)) return 'revoked';
  if (p.now() >= session.peerExpiresAt) return 'expired';
  const trust = p.contacts.trustOf(identityKey, peer.displayName);
  if (trust === 'changed' || trust === 'lookalike') return trust;
  return 'ok';
}

const GATE_CODES = { 'no-session': 'no-session', revoked: 'revoked', expired: 'expired', changed: 'key-changed', lookalike: 'key-changed' } as const;

/** Seals `plaintext` (a media-key message) to the member; refuses, sealing nothing, unless the gate says `ok`. */
export async function sealMediaKey(p: E2eeParts, roomId: string, identityKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const id = await p.identity.get();
  const room = p.requireRoom(roomId);
  const state = mediaKeyRecipientState(p, roomId, identityKey);
  if (state !== 'ok') throw new DomainError(GATE_CODES[state], `no media key for this member: ${state}`);
  if (p.now() >= room.current.expiresAt) throw new DomainError('expired', 'our room key expired');
  const session = p.peers.current(p.peers.get(roomId, identityKey)!)!;
  // The session's own counter: one nonce space per (key pair, direction) shared with chat, so no nonce ever repeats.
  return p.peers.sealNext(session, (sendKey, counter) => {
    const wrapKey = mediaKeyWrapKey(p.backend, sendKey);
    try {
      return sealEnvelope(p.backend, { sendKey: wrapKey, counter, sentAt: p.now(), senderKeyId: session.myKeyId,
        recipientKeyId: session.peerKeyId, signingSeed: id.seed }, plaintext);
    } finally {
      wipe(wrapKey);
    }
  });
}

/**
 * Opens a media-key envelope from `identityKey` (PROTOCOL.md §18a order), hands the plaintext to `accept`, and only if
 * that returns records the counter. A refusal by the envelope checks or by `accept` changes nothing.
 */
export async function openMediaKey(p: E2eeParts, roomId: string, identityKey: string, envelope: Uint8Array,
  accept: (plaintext: Uint8Array) => void): Promise<void> {
  await p.identity.get();
  const room = p.requireRoom(roomId);
  const peer = p.peers.get(roomId, identityKey);
  const fields = { roomId, peerIdentityKey: identityKey };
  let wrapKey: Uint8Array | null = null;
  let result;
  try {
    result = openEnvelope(p.backend, envelope, {
      now: p.now(), freshnessTtlMs: LIMITS.freshnessTtlMs, maxBytes: MEDIA_KEY_LIMITS.maxBlobChars, requireSignature: true,
      resolve(header) {
        const mine = p.roomKeys.recipientKey(room, header.recipientKeyId);
        if (!mine) {
          const revoked = room.revokedKeyIds.includes(toB64u(header.recipientKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'wrong-recipient', 'media key is not addressed to a live key of ours');
        }
        if (!peer) throw new EnvelopeRejected('unknown-key', 'no session with this sender');
        const session = p.peers.find(peer, header.senderKeyId, mine.ephemeral.keyId);
        if (!session) {
          const revoked = peer.revokedKeyIds.includes(toB64u(header.senderKeyId));
          throw new EnvelopeRejected(revoked ? 'revoked' : 'unknown-key', "sender key is not one of this member's live keys");
        }
        if (p.now() >= session.peerExpiresAt) throw new EnvelopeRejected('expired', "the sender's room key expired");
        wrapKey = mediaKeyWrapKey(p.backend, session.keys.recvKey);
        return { recvKey: wrapKey, window: session.counters.window, peerIdentityKey: peer.identityKey };
      }
    });
  } catch (err) {
    if (err instanceof EnvelopeRejected) throw p.reject(err.reason, 'media-key', err.message, fields);
    throw err;
  } finally {
    wipe(wrapKey);
  }
  try {
    accept(result.plaintext);
    result.commit();
  } finally {
    wipe(result.plaintext);
  }
}
