// Held-message notices: signing ours for a peer whose key change awaits our user, checking a peer's about us (PROTOCOL.md §21).
import { fromB64u, toB64u } from '../../protocol/encoding';
import { HELD_NOTICE_MAX_AGE_MS, HELD_NOTICE_VERSION, type WireHeldNotice } from '../../protocol/held-notice';
import { ctEqual, signHeldNotice, verifyHeldNotice } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';

/**
 * Signs "I hold a decision about your key" for a peer in this room, only while that decision is really pending
 * (its name claims a known contact's with another key): a compromised page cannot make us vouch for anything else.
 */
export async function signHeld(p: E2eeParts, roomId: string, subject: string): Promise<WireHeldNotice> {
  const id = await p.identity.get();
  p.requireRoom(roomId);
  const peer = p.peers.get(roomId, subject);
  const session = peer ? p.peers.current(peer) : null;
  if (!peer || !session) throw new DomainError('no-session', 'no current session with this peer in this room');
  const trust = p.contacts.trustOf(subject, peer.displayName);
  if (trust !== 'changed' && trust !== 'lookalike') throw new DomainError('bad-state', 'no decision about this peer is pending');
  const notice = signHeldNotice(p.backend, id.seed, { v: HELD_NOTICE_VERSION, signer: toB64u(id.publicKey), roomId, subject,
    subjectKeyId: session.peerKeyIdB64, issuedAt: p.now() });
  p.audit.record('held-notice-signed', { roomId, subject, subjectKeyId: session.peerKeyIdB64 });
  return notice;
}

/**
 * A notice the server says `signer` sent us. Accepted only when: it names us and one of our live keys in this room,
 * its signer is the identity key of a member we hold a verified session with, it is fresh, and the signature verifies
 * strictly under that key. Anything else is counted, audited and refused: the server cannot make one up.
 */
export async function checkHeld(p: E2eeParts, roomId: string, expectedSigner: string, n: WireHeldNotice): Promise<{ signer: string; issuedAt: number }> {
  const id = await p.identity.get();
  const fields = { roomId, signer: expectedSigner };
  const refuse = (reason: 'malformed' | 'wrong-recipient' | 'no-session' | 'stale' | 'signature' | 'unknown-key', message: string) =>
    p.reject(reason, 'held-notice', message, fields);
  if (n.roomId !== roomId) throw refuse('wrong-recipient', 'the notice is for another room');
  const subject = fromB64u(n.subject);
  if (!subject || !ctEqual(subject, id.publicKey)) throw refuse('wrong-recipient', 'the notice is about someone else');
  const signer = fromB64u(n.signer);
  const expected = fromB64u(expectedSigner);
  if (!signer || !expected || !ctEqual(signer, expected)) throw refuse('wrong-recipient', 'the notice is signed by another member than the one it came from');
  const peer = p.peers.get(roomId, expectedSigner);
  if (!peer || !p.peers.current(peer)) throw refuse('no-session', 'no verified session with the signer in this room');
  const room = p.roomKeys.get(roomId);
  const ours = [room?.current.keyIdB64, room?.previous?.key.keyIdB64].filter((k): k is string => k !== undefined);
  if (!ours.includes(n.subjectKeyId)) throw refuse('unknown-key', 'the notice names a room key we do not hold');
  if (Math.abs(p.now() - n.issuedAt) > HELD_NOTICE_MAX_AGE_MS) throw refuse('stale', 'the notice is too old (or from the future)');
  if (!verifyHeldNotice(p.backend, n)) throw refuse('signature', 'the notice signature does not verify under the signer identity key');
  p.audit.record('held-notice-accepted', fields);
  return { signer: expectedSigner, issuedAt: n.issuedAt };
}
