// Peer bundles: the checks a bundle must pass, adopting it as the peer's session, and the SessionInfo the UI sees.
import { fromB64u } from '../../protocol/encoding';
import type { SessionInfo } from '../../protocol/ipc-e2ee';
import type { WireKeyBundle } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { DisplayNameError, normalizeDisplayName } from '../../protocol/names';
import { ctEqual, verifyBundle, type IdentityKeyPair } from '../crypto';
import { DomainError } from '../errors';
import { fingerprintOf } from './fingerprint';
import type { E2eeParts } from './parts';
import type { Peer } from './peers';
import type { OwnRoom } from './room-keys';

/** Checks a peer bundle: signature, room, lifetime, revocation (persisted, so also for a peer not yet known), room size, epoch order. */
export function checkBundle(p: E2eeParts, id: IdentityKeyPair, bundle: WireKeyBundle, peer: Peer | undefined, what: string): void {
  const fields = { roomId: bundle.roomId, peerIdentityKey: bundle.identityKey, keyId: bundle.keyId };
  const idKey = fromB64u(bundle.identityKey);
  const eph = fromB64u(bundle.ephemeralKey);
  if (!idKey || idKey.length !== 32 || !eph || eph.length !== 32 || fromB64u(bundle.keyId)?.length !== 16) {
    throw p.reject('malformed', what, 'bundle fields do not decode', fields);
  }
  if (ctEqual(idKey, id.publicKey)) throw p.reject('malformed', what, 'bundle is our own', fields);
  if (!verifyBundle(p.backend, bundle)) throw p.reject('signature', what, 'bundle signature does not verify', fields);
  const t = p.now();
  if (bundle.expiresAt <= bundle.createdAt || bundle.expiresAt - bundle.createdAt > LIMITS.keyMaxAgeMs) {
    throw p.reject('malformed', what, 'bundle lifetime exceeds the maximum', fields);
  }
  if (t >= bundle.expiresAt) throw p.reject('expired', what, 'bundle expired', fields);
  if (bundle.createdAt > t + LIMITS.freshnessTtlMs) throw p.reject('stale', what, 'bundle created in the future', fields);
  if (p.revocations.has(bundle.roomId, bundle.identityKey, bundle.keyId)) throw p.reject('revoked', what, 'bundle key was revoked', fields);
  if (!peer) {
    if (p.peers.hasRoomFor(bundle.roomId)) return;
    p.audit.record(`${what}-rejected`, { reason: 'room-too-large', ...fields });
    throw new DomainError('room-too-large', `this room already has ${LIMITS.maxRoomMembers} members`);
  }
  const sameKey = peer.bundle?.keyId === bundle.keyId;
  if (bundle.epoch < peer.highestEpoch || (bundle.epoch === peer.highestEpoch && peer.bundle && !sameKey)) {
    throw p.reject('old-epoch', what, 'bundle epoch is older than one already seen', fields);
  }
}

/** Accepts a verified bundle as the peer's current key and installs the session with our current key. */
export function adoptBundle(p: E2eeParts, id: IdentityKeyPair, room: OwnRoom, peer: Peer, bundle: WireKeyBundle, graceMs: number): void {
  const existing = p.peers.current(peer);
  if (existing && peer.bundle?.keyId === bundle.keyId && ctEqual(existing.myKeyId, room.current.ephemeral.keyId)) return;
  p.peers.adopt(peer, bundle, p.peers.derive(id, room.current, peer, bundle), graceMs);
  p.stats.count('sessionsOpened');
  p.audit.record('session-opened', { roomId: peer.roomId, peerIdentityKey: peer.identityKeyB64, peerKeyId: bundle.keyId,
    myKeyId: room.current.keyIdB64, epoch: bundle.epoch });
}

/** Names are compared, stored and shown only in their normalized form; a name with nothing visible is refused. */
export function normalizeName(p: E2eeParts, presentedName: string, bundle: WireKeyBundle): string {
  try {
    return normalizeDisplayName(presentedName);
  } catch (err) {
    if (!(err instanceof DisplayNameError)) throw err;
    throw p.reject('malformed', 'bundle', `display name refused: ${err.message}`, { roomId: bundle.roomId, peerIdentityKey: bundle.identityKey });
  }
}

export function sessionInfo(p: E2eeParts, peer: Peer): SessionInfo {
  const claims = p.contacts.claim(peer.identityKeyB64, peer.displayName);
  return { roomId: peer.roomId, peerIdentityKey: peer.identityKeyB64, peerKeyId: peer.bundle?.keyId ?? '', peerEpoch: peer.highestEpoch,
    displayName: peer.displayName, trust: p.contacts.trustOf(peer.identityKeyB64, peer.displayName),
    fingerprint: fingerprintOf(peer.identityKey), ...(claims ? { claims } : {}) };
}
