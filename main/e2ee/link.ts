// link:bind / link:verify: MACs that tie a WebRTC offer or answer to the current pairwise session, refused unless every rule holds.
import { fromB64u, toB64u } from '../../protocol/encoding';
import type { LinkRole, WireLinkBinding } from '../../protocol/link';
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
  if (core.contacts.trustOf(peer.displayName, peerIdentityKey, false) === 'changed') {
    throw refuse(core, what, 'key-changed', `the identity key of "${peer.displayName}" changed: the change awaits a decision`, fields);
  }
  return { room, session, me: id.publicKey, peerKey: peer.identityKey };
}

function checkRole(core: E2eeCore, what: 'bind' | 'verify', role: LinkRole, otherFp: string, fields: Record<string, string>): void {
  if (role === 'offer' && otherFp !== '') throw refuse(core, what, 'malformed', 'an offer binds only its sender\'s fingerprint', fields);
  if (role === 'answer' && otherFp === '') throw refuse(core, what, 'malformed', 'an answer binds both fingerprints', fields);
}

/** Our MAC over an offer (localFp only) or an answer (localFp and the offer's remoteFp), keyed from our send key. */
export async function linkBind(core: E2eeCore, roomId: string, peerIdentityKey: string, role: LinkRole, localFp: string,
  remoteFp: string): Promise<WireLinkBinding> {
  const fields = { roomId, peerIdentityKey, role };
  const { room, session, me, peerKey } = await linkContext(core, 'bind', roomId, peerIdentityKey);
  checkRole(core, 'bind', role, remoteFp, fields);
  const transcript: LinkTranscript = {
    role, roomId, senderIdentityKey: me, recipientIdentityKey: peerKey,
    senderKeyId: session.myKeyId, senderEpoch: room.current.epoch, recipientKeyId: session.peerKeyId, recipientEpoch: session.peerEpoch,
    senderFingerprint: localFp, recipientFingerprint: remoteFp
  };
  const mac = linkBindingMac(session.keys.sendKey, transcript, core.backend);
  core.audit.record('link-bound', { roomId, peerIdentityKey, role, keyId: room.current.keyIdB64, peerKeyId: session.peerKeyIdB64 });
  return { v: 1, role, senderKeyId: room.current.keyIdB64, recipientKeyId: session.peerKeyIdB64,
    mac: toB64u(mac) };
}

/** Checks a peer's binding against the current session's exact key pair and the fingerprints this side sees; fails closed. */
export async function linkVerify(core: E2eeCore, roomId: string, peerIdentityKey: string, binding: WireLinkBinding, remoteFp: string,
  localFp: string): Promise<{ ok: true }> {
  const fields = { roomId, peerIdentityKey, role: binding.role };
  const { room, session, me, peerKey } = await linkContext(core, 'verify', roomId, peerIdentityKey);
  checkRole(core, 'verify', binding.role, localFp, fields);
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
    senderFingerprint: remoteFp, recipientFingerprint: localFp
  };
  if (!verifyLinkBindingMac(session.keys.recvKey, transcript, mac, core.backend)) {
    throw refuse(core, 'verify', 'signature', 'the link binding does not verify for this session and these fingerprints', fields);
  }
  core.audit.record('link-verified', { roomId, peerIdentityKey, role: binding.role });
  return { ok: true };
}
