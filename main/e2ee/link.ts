// link:bind / link:verify: MACs that tie a WebRTC offer, answer or confirm to the current pairwise session and the SDP it answers, refused unless every rule holds.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { LINK_BINDING_VERSION, LINK_SDP_DIGEST_BYTES, type LinkRole, type WireLinkBinding } from '../../protocol/link';
import { ctEqual, linkBindingMac, verifyLinkBindingMac, type LinkTranscript } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';
import type { Session } from './peers';
import type { OwnRoom } from './room-keys';
import type { RejectionReason } from './stats';

interface LinkContext { room: OwnRoom; session: Session; me: Uint8Array; peerKey: Uint8Array }

/** Counts and audits one refused bind/verify (no secrets, no MACs), then returns the typed error. */
function refuse(p: E2eeParts, what: 'bind' | 'verify', reason: RejectionReason, message: string, fields: Record<string, string>): DomainError {
  return p.reject(reason, `link-${what}`, message, fields);
}

/** The rules both directions share: live room key, current session with this peer in this room, settled trust, live keys. */
async function linkContext(p: E2eeParts, what: 'bind' | 'verify', roomId: string, peerIdentityKey: string): Promise<LinkContext> {
  const id = await p.identity.get();
  const fields = { roomId, peerIdentityKey };
  const room = p.roomKeys.get(roomId);
  if (!room) throw refuse(p, what, 'no-room-key', `no room key for ${roomId}`, fields);
  const t = p.now();
  if (t >= room.current.expiresAt) throw refuse(p, what, 'expired', 'our room key expired: rotate first', fields);
  const peer = p.peers.get(roomId, peerIdentityKey);
  const session = peer ? p.peers.current(peer) : null;
  if (!peer || !session) throw refuse(p, what, 'no-session', 'no current session with this peer in this room', fields);
  if (peer.revokedKeyIds.includes(session.peerKeyIdB64)) throw refuse(p, what, 'revoked', "the peer's key was revoked", fields);
  if (room.revokedKeyIds.includes(toB64u(session.myKeyId))) throw refuse(p, what, 'revoked', 'our key for this session was revoked', fields);
  if (t >= session.peerExpiresAt) throw refuse(p, what, 'expired', "the peer's room key expired", fields);
  if (!ctEqual(session.myKeyId, room.current.ephemeral.keyId)) throw refuse(p, what, 'stale', 'the session is not on our current key', fields);
  const trust = p.contacts.trustOf(peerIdentityKey, peer.displayName);
  if (trust === 'changed' || trust === 'lookalike') {
    throw refuse(p, what, 'key-changed', `"${peer.displayName}" claims a known contact's name with another key: the user has not decided yet`, fields);
  }
  return { room, session, me: id.publicKey, peerKey: peer.identityKey };
}

/** Offer: one fingerprint, no digest. Answer: both fingerprints and the offer's digest. Confirm: both fingerprints and the answer's digest. */
function checkRole(p: E2eeParts, what: 'bind' | 'verify', role: LinkRole, otherFp: string, digest: string,
  fields: Record<string, string>): Pick<LinkTranscript, 'offerDigest' | 'answerDigest'> {
  if (role === 'offer' && otherFp !== '') throw refuse(p, what, 'malformed', 'an offer binds only its sender\'s fingerprint', fields);
  if (role !== 'offer' && otherFp === '') throw refuse(p, what, 'malformed', 'an answer or confirm binds both fingerprints', fields);
  if (role === 'offer') {
    if (digest !== '') throw refuse(p, what, 'malformed', 'an offer binds no SDP digest', fields);
    return {};
  }
  const bytes = fromB64u(digest);
  if (!bytes || bytes.length !== LINK_SDP_DIGEST_BYTES) {
    throw refuse(p, what, 'malformed', `an ${role} binds the 32-byte SHA-256 of the ${role === 'answer' ? 'offer' : 'answer'} SDP`, fields);
  }
  return role === 'answer' ? { offerDigest: bytes } : { answerDigest: bytes };
}

/** Our MAC over an offer (localFp only), an answer (localFp, the offer's remoteFp and its digest) or a confirm (both and the answer's digest). */
export async function linkBind(p: E2eeParts, roomId: string, peerIdentityKey: string, role: LinkRole, localFp: string,
  remoteFp: string, sdpDigest = ''): Promise<WireLinkBinding> {
  const fields = { roomId, peerIdentityKey, role };
  const { room, session, me, peerKey } = await linkContext(p, 'bind', roomId, peerIdentityKey);
  const digests = checkRole(p, 'bind', role, remoteFp, sdpDigest, fields);
  const transcript: LinkTranscript = {
    role, roomId, senderIdentityKey: me, recipientIdentityKey: peerKey,
    senderKeyId: session.myKeyId, senderEpoch: room.current.epoch, recipientKeyId: session.peerKeyId, recipientEpoch: session.peerEpoch,
    senderFingerprint: localFp, recipientFingerprint: remoteFp, ...digests
  };
  const mac = linkBindingMac(session.keys.sendKey, transcript, p.backend);
  p.audit.record('link-bound', { roomId, peerIdentityKey, role, keyId: room.current.keyIdB64, peerKeyId: session.peerKeyIdB64 });
  return { v: LINK_BINDING_VERSION, role, senderKeyId: room.current.keyIdB64, recipientKeyId: session.peerKeyIdB64,
    mac: toB64u(mac) };
}

/** Checks a peer's binding against the current session's exact key pair and the fingerprints this side sees; fails closed. */
export async function linkVerify(p: E2eeParts, roomId: string, peerIdentityKey: string, binding: WireLinkBinding, remoteFp: string,
  localFp: string, sdpDigest = ''): Promise<{ ok: true }> {
  const fields = { roomId, peerIdentityKey, role: binding.role };
  const { room, session, me, peerKey } = await linkContext(p, 'verify', roomId, peerIdentityKey);
  const digests = checkRole(p, 'verify', binding.role, localFp, sdpDigest, fields);
  const senderKeyId = fromB64u(binding.senderKeyId);
  const recipientKeyId = fromB64u(binding.recipientKeyId);
  const mac = fromB64u(binding.mac);
  if (!senderKeyId || !recipientKeyId || !mac) throw refuse(p, 'verify', 'malformed', 'binding fields do not decode', fields);
  if (!ctEqual(senderKeyId, session.peerKeyId) || !ctEqual(recipientKeyId, session.myKeyId)) {
    throw refuse(p, 'verify', 'stale', 'the binding names another key pair than the current session', fields);
  }
  const transcript: LinkTranscript = {
    role: binding.role, roomId, senderIdentityKey: peerKey, recipientIdentityKey: me,
    senderKeyId: session.peerKeyId, senderEpoch: session.peerEpoch, recipientKeyId: session.myKeyId, recipientEpoch: room.current.epoch,
    senderFingerprint: remoteFp, recipientFingerprint: localFp, ...digests
  };
  if (!verifyLinkBindingMac(session.keys.recvKey, transcript, mac, p.backend)) {
    throw refuse(p, 'verify', 'signature', 'the link binding does not verify for this session and these fingerprints', fields);
  }
  p.audit.record('link-verified', { roomId, peerIdentityKey, role: binding.role });
  return { ok: true };
}
