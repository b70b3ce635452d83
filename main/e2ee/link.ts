// link:bind / link:verify: MACs that tie a WebRTC offer, answer or confirm to the current pairwise session, refused unless every rule holds.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { LINK_ANSWER_DIGEST_BYTES, type LinkRole, type WireLinkBinding } from '../../protocol/link';
import { ctEqual, linkBindingMac, verifyLinkBindingMac, type LinkTranscript } from '../crypto';
import { IpcFailure } from '../ipc/dispatcher';
import type { E2eeCore } from './e2ee';
import type { Session } from './peers';
import type { OwnRoom } from './room-keys';
import type { RejectionReason } from './stats';

interface LinkContext { room: OwnRoom; session: Session; me: Uint8Array; peerKey: Uint8Array }

/** Counts and audits one refused bind/verify (no secrets, no MACs), then returns the typed error. */
function refuse(core: E2eeCore, what: 'bind' | 'verify', reason: RejectionReason, message: string, fields: Record<string, string>): IpcFailure {
  core.stats.reject(reason);
  core.audit.record(`link-${what}-rejected`, { reason, ...fields });
  return new IpcFailure(reason === 'signature' ? 'bad-signature' : reason, message);
}

/** The rules both directions share: live room key, current session with this peer in this room, settled trust, live keys. */
async function linkContext(core: E2eeCore, what: 'bind' | 'verify', roomId: string, peerIdentityKey: string): Promise<LinkContext> {
  const id = await core.identity.get();
  const fields = { roomId, peerIdentityKey };
  const room = core.roomKeys.get(roomId);
  if (!room) throw refuse(core, what, 'no-room-key', `no room key for ${roomId}`, fields);
  const t = core.now();
  if (t >= room.current.expiresAt) throw refuse(core, what, 'expired', 'our room key expired: rotate first', fields);
  const peer = core.peers.get(roomId, peerIdentityKey);
  const session = peer ? core.peers.current(peer) : null;
  if (!peer || !session) throw refuse(core, what, 'no-session', 'no current session with this peer in this room', fields);
  if (peer.revokedKeyIds.includes(session.peerKeyIdB64)) throw refuse(core, what, 'revoked', "the peer's key was revoked", fields);
  if (room.revokedKeyIds.includes(toB64u(session.myKeyId))) throw refuse(core, what, 'revoked', 'our key for this session was revoked', fields);
  if (t >= session.peerExpiresAt) throw refuse(core, what, 'expired', "the peer's room key expired", fields);
  if (!ctEqual(session.myKeyId, room.current.ephemeral.keyId)) throw refuse(core, what, 'stale', 'the session is not on our current key', fields);
  const trust = core.contacts.trustOf(peerIdentityKey, peer.displayName);
  if (trust === 'changed' || trust === 'lookalike') {
    throw refuse(core, what, 'key-changed', `"${peer.displayName}" claims a known contact's name with another key: the user has not decided yet`, fields);
  }
  return { room, session, me: id.publicKey, peerKey: peer.identityKey };
}

/** Offer: one fingerprint, no digest. Answer: both fingerprints, no digest. Confirm: both fingerprints and the answer's digest. */
function checkRole(core: E2eeCore, what: 'bind' | 'verify', role: LinkRole, otherFp: string, digest: string,
  fields: Record<string, string>): Uint8Array | undefined {
  if (role === 'offer' && otherFp !== '') throw refuse(core, what, 'malformed', 'an offer binds only its sender\'s fingerprint', fields);
  if (role !== 'offer' && otherFp === '') throw refuse(core, what, 'malformed', 'an answer or confirm binds both fingerprints', fields);
  if (role !== 'confirm') {
    if (digest !== '') throw refuse(core, what, 'malformed', 'only a confirm binds an answer digest', fields);
    return undefined;
  }
  const bytes = fromB64u(digest);
  if (!bytes || bytes.length !== LINK_ANSWER_DIGEST_BYTES) {
    throw refuse(core, what, 'malformed', 'a confirm binds the 32-byte SHA-256 of the answer SDP', fields);
  }
  return bytes;
}

/** Our MAC over an offer (localFp only), an answer (localFp and the offer's remoteFp) or a confirm (both and the answer's digest). */
export async function linkBind(core: E2eeCore, roomId: string, peerIdentityKey: string, role: LinkRole, localFp: string,
  remoteFp: string, answerDigest = ''): Promise<WireLinkBinding> {
  const fields = { roomId, peerIdentityKey, role };
  const { room, session, me, peerKey } = await linkContext(core, 'bind', roomId, peerIdentityKey);
  const digest = checkRole(core, 'bind', role, remoteFp, answerDigest, fields);
  const transcript: LinkTranscript = {
    role, roomId, senderIdentityKey: me, recipientIdentityKey: peerKey,
    senderKeyId: session.myKeyId, senderEpoch: room.current.epoch, recipientKeyId: session.peerKeyId, recipientEpoch: session.peerEpoch,
    senderFingerprint: localFp, recipientFingerprint: remoteFp, ...(digest ? { answerDigest: digest } : {})
  };
  const mac = linkBindingMac(session.keys.sendKey, transcript, core.backend);
  core.audit.record('link-bound', { roomId, peerIdentityKey, role, keyId: room.current.keyIdB64, peerKeyId: session.peerKeyIdB64 });
  return { v: 1, role, senderKeyId: room.current.keyIdB64, recipientKeyId: session.peerKeyIdB64,
    mac: toB64u(mac) };
}

/** Checks a peer's binding against the current session's exact key pair and the fingerprints this side sees; fails closed. */
export async function linkVerify(core: E2eeCore, roomId: string, peerIdentityKey: string, binding: WireLinkBinding, remoteFp: string,
  localFp: string, answerDigest = ''): Promise<{ ok: true }> {
  const fields = { roomId, peerIdentityKey, role: binding.role };
  const { room, session, me, peerKey } = await linkContext(core, 'verify', roomId, peerIdentityKey);
  const digest = checkRole(core, 'verify', binding.role, localFp, answerDigest, fields);
  const senderKeyId = fromB64u(binding.senderKeyId);
  const recipientKeyId = fromB64u(binding.recipientKeyId);
  const mac = fromB64u(binding.mac);
  if (!senderKeyId || !recipientKeyId || !mac) throw refuse(core, 'verify', 'malformed', 'binding fields do not decode', fields);
  if (!ctEqual(senderKeyId, session.peerKeyId) || !ctEqual(recipientKeyId, session.myKeyId)) {
    throw refuse(core, 'verify', 'stale', 'the binding names another key pair than the current session', fields);
  }
  const transcript: LinkTranscript = {
    role: binding.role, roomId, senderIdentityKey: peerKey, recipientIdentityKey: me,
    senderKeyId: session.peerKeyId, senderEpoch: session.peerEpoch, recipientKeyId: session.myKeyId, recipientEpoch: room.current.epoch,
    senderFingerprint: remoteFp, recipientFingerprint: localFp, ...(digest ? { answerDigest: digest } : {})
  };
  if (!verifyLinkBindingMac(session.keys.recvKey, transcript, mac, core.backend)) {
    throw refuse(core, 'verify', 'signature', 'the link binding does not verify for this session and these fingerprints', fields);
  }
  core.audit.record('link-verified', { roomId, peerIdentityKey, role: binding.role });
  return { ok: true };
}
