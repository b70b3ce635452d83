// Key changes both ways: rotating and revoking our room key (re-keying every session), and applying a peer's signed notices.
import type { SessionInfo } from '../../protocol/ipc-e2ee';
import type { WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { verifyRevocation, verifyRotation, type IdentityKeyPair } from '../crypto';
import { DomainError } from '../errors';
import { adoptBundle, checkBundle, sessionInfo } from './bundles';
import type { E2eeParts } from './parts';
import type { OwnRoom } from './room-keys';

/** Rotates our key and re-keys every peer session of the room; old sessions keep opening for the grace period. */
export function rotateRoom(p: E2eeParts, id: IdentityKeyPair, room: OwnRoom, reason: string): WireRotationNotice {
  const previousKeyId = room.current.keyIdB64;
  const notice = p.roomKeys.rotate(id, room, LIMITS.rotationGraceMs);
  rekeyPeers(p, id, room, LIMITS.rotationGraceMs);
  p.audit.record('room-key-rotated', { roomId: room.roomId, previousKeyId, keyId: notice.bundle.keyId, epoch: notice.epoch, reason });
  return notice;
}

function rekeyPeers(p: E2eeParts, id: IdentityKeyPair, room: OwnRoom, graceMs: number): void {
  for (const peer of p.peers.peersIn(room.roomId)) {
    if (!peer.bundle) continue;
    try {
      p.peers.install(peer, p.peers.derive(id, room.current, peer, peer.bundle), graceMs);
    } catch {
      p.audit.record('session-rekey-failed', { roomId: room.roomId, peerIdentityKey: peer.identityKeyB64 });
    }
  }
}

/** Revokes our current key: its sessions are wiped at once (no grace) and every peer is re-keyed on the replacement. */
export function revokeOwnKey(p: E2eeParts, id: IdentityKeyPair, room: OwnRoom): { revocation: WireRevocationNotice; replacement: WireRotationNotice } {
  const revokedKeyId = room.current.ephemeral.keyId.slice();
  const { revocation, replacement } = p.roomKeys.revoke(id, room);
  for (const peer of p.peers.peersIn(room.roomId)) p.peers.dropMyKey(revokedKeyId, peer);
  rekeyPeers(p, id, room, 0);
  p.audit.record('room-key-revoked', { roomId: room.roomId, keyId: revocation.keyId, epoch: revocation.epoch,
    replacementKeyId: replacement.bundle.keyId });
  return { revocation, replacement };
}

export async function applyRotation(p: E2eeParts, n: WireRotationNotice): Promise<SessionInfo> {
  const id = await p.identity.get();
  const fields = { roomId: n.roomId, peerIdentityKey: n.identityKey };
  if (n.bundle.identityKey !== n.identityKey || n.bundle.roomId !== n.roomId || n.bundle.epoch !== n.epoch) {
    throw p.reject('malformed', 'rotation', 'notice and bundle disagree', fields);
  }
  if (!verifyRotation(p.backend, n)) throw p.reject('signature', 'rotation', 'rotation notice signature does not verify', fields);
  const room = p.requireRoom(n.roomId);
  const peer = p.peers.get(n.roomId, n.identityKey);
  if (!peer) throw new DomainError('no-session', 'no session with this peer in this room');
  if (peer.bundle?.keyId === n.bundle.keyId) throw p.reject('replay', 'rotation', 'rotation notice already applied', fields);
  if (n.epoch <= peer.highestEpoch) throw p.reject('old-epoch', 'rotation', 'rotation notice epoch is not newer', fields);
  checkBundle(p, id, n.bundle, peer, 'rotation');
  adoptBundle(p, id, room, peer, n.bundle, LIMITS.rotationGraceMs);
  p.audit.record('peer-key-rotated', { ...fields, keyId: n.bundle.keyId, previousKeyId: n.previousKeyId, epoch: n.epoch });
  return sessionInfo(p, peer);
}

/**
 * Applies a signed revocation of any key of the peer, in any order: a key we have seen must carry its epoch, and
 * its sessions are wiped at once (grace or not); a key never seen is remembered so that its bundle is refused later.
 */
export function applyRevocation(p: E2eeParts, n: WireRevocationNotice): { peerIdentityKey: string; keyId: string } {
  const fields = { roomId: n.roomId, peerIdentityKey: n.identityKey, keyId: n.keyId };
  if (!verifyRevocation(p.backend, n)) throw p.reject('signature', 'revocation', 'revocation notice signature does not verify', fields);
  const peer = p.peers.get(n.roomId, n.identityKey);
  if (!peer) throw new DomainError('no-session', 'no session with this peer in this room');
  if (p.revocations.has(n.roomId, n.identityKey, n.keyId)) throw p.reject('replay', 'revocation', 'key already revoked', fields);
  const seen = peer.seenKeys.get(n.keyId);
  if (seen && seen.epoch !== n.epoch) throw p.reject('malformed', 'revocation', 'epoch does not match the key', fields);
  // A key never seen can live at most keyMaxAgeMs from a createdAt up to freshnessTtlMs ahead of our clock.
  const expiresAt = seen?.expiresAt ?? p.now() + LIMITS.keyMaxAgeMs + LIMITS.freshnessTtlMs;
  p.revocations.add({ roomId: n.roomId, identityKey: n.identityKey, keyId: n.keyId, expiresAt });
  p.peers.revokePeerKey(peer, n.keyId);
  if (seen) p.peers.noteEpoch(peer, n.epoch);
  p.audit.record('peer-key-revoked', { ...fields, epoch: n.epoch, seen: seen !== undefined });
  return { peerIdentityKey: n.identityKey, keyId: n.keyId };
}
