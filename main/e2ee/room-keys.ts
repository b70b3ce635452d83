// Our ephemeral X25519 key per room: creation, signed bundles, rotation, revocation, grace period and zeroized cleanup.
import { toB64u } from '../../protocol/encoding';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { ctEqual, generateEphemeral, signBundle, signRevocation, signRotation, wipeEphemeral, type CryptoBackend, type EphemeralKeyPair,
  type IdentityKeyPair } from '../crypto';
import { DomainError } from '../errors';
import type { EpochStore } from './epochs';

export interface OwnRoomKey { ephemeral: EphemeralKeyPair; keyIdB64: string; epoch: number; createdAt: number; expiresAt: number; bundle: WireKeyBundle }
export interface OwnRoom {
  roomId: string; current: OwnRoomKey; previous: { key: OwnRoomKey; until: number } | null;
  lastRotation: WireRotationNotice | null; revokedKeyIds: string[];
}

export class RoomKeyManager {
  private readonly rooms = new Map<string, OwnRoom>();

  constructor(private readonly backend: CryptoBackend, private readonly now: () => number, private readonly onSecret: (b: Uint8Array) => void,
    private readonly epochs: EpochStore) {}

  get(roomId: string): OwnRoom | undefined { return this.rooms.get(roomId); }
  roomIds(): string[] { return [...this.rooms.keys()]; }

  private newKey(identity: IdentityKeyPair, roomId: string, epoch: number): OwnRoomKey {
    const ephemeral = generateEphemeral(this.backend);
    this.onSecret(ephemeral.secretKey);
    const createdAt = this.now();
    const expiresAt = createdAt + LIMITS.keyMaxAgeMs;
    const bundle = signBundle(this.backend, identity.seed, {
      v: 1, identityKey: toB64u(identity.publicKey), roomId, keyId: toB64u(ephemeral.keyId), epoch,
      ephemeralKey: toB64u(ephemeral.publicKey), createdAt, expiresAt
    });
    return { ephemeral, keyIdB64: bundle.keyId, epoch, createdAt, expiresAt, bundle };
  }

  /** Returns the live room, creating its first key if needed; at most `LIMITS.maxRooms` rooms are held at once. */
  ensure(identity: IdentityKeyPair, roomId: string): { room: OwnRoom; created: boolean } {
    const existing = this.rooms.get(roomId);
    if (existing) return { room: existing, created: false };
    if (this.rooms.size >= LIMITS.maxRooms) throw new DomainError('too-many-rooms', `at most ${LIMITS.maxRooms} rooms at once: leave one first`);
    // The epoch store keeps the first key above every epoch used before a leave or restart (peers may remember it).
    const room: OwnRoom = { roomId, current: this.newKey(identity, roomId, this.epochs.next(roomId, null)), previous: null, lastRotation: null,
      revokedKeyIds: [] };
    this.rooms.set(roomId, room);
    return { room, created: true };
  }

  /** New key at epoch+1; the old one opens in-flight messages for `graceMs` (0 = wiped now). */
  rotate(identity: IdentityKeyPair, room: OwnRoom, graceMs: number): WireRotationNotice {
    const old = room.current;
    const next = this.newKey(identity, room.roomId, this.epochs.next(room.roomId, old.epoch));
    this.dropPrevious(room);
    room.current = next;
    if (graceMs > 0) room.previous = { key: old, until: this.now() + graceMs };
    else wipeEphemeral(old.ephemeral, this.backend);
    const notice = signRotation(this.backend, identity.seed, {
      v: 1, type: 'rotate', identityKey: toB64u(identity.publicKey), roomId: room.roomId, epoch: next.epoch,
      previousKeyId: old.keyIdB64, bundle: next.bundle, issuedAt: this.now()
    });
    room.lastRotation = notice;
    return notice;
  }

  /** Revokes the current key (no grace) and issues its replacement. */
  revoke(identity: IdentityKeyPair, room: OwnRoom): { revocation: WireRevocationNotice; replacement: WireRotationNotice; revokedKeyId: string } {
    const victim = room.current;
    const revocation = signRevocation(this.backend, identity.seed, {
      v: 1, type: 'revoke', identityKey: toB64u(identity.publicKey), roomId: room.roomId, keyId: victim.keyIdB64,
      epoch: victim.epoch, issuedAt: this.now()
    });
    room.revokedKeyIds.push(victim.keyIdB64);
    if (room.revokedKeyIds.length > 64) room.revokedKeyIds.shift();
    const replacement = this.rotate(identity, room, 0);
    return { revocation, replacement, revokedKeyId: victim.keyIdB64 };
  }

  /** Our key that an incoming envelope names as recipient: current, or previous within its grace period. */
  recipientKey(room: OwnRoom, keyId: Uint8Array): OwnRoomKey | null {
    if (ctEqual(room.current.ephemeral.keyId, keyId)) return room.current;
    const prev = room.previous;
    if (prev && prev.until >= this.now() && ctEqual(prev.key.ephemeral.keyId, keyId)) return prev.key;
    return null;
  }

  /** Wipes expired grace keys; returns rooms whose current key is due for rotation. */
  sweep(rotationIntervalMs: number): OwnRoom[] {
    const due: OwnRoom[] = [];
    const t = this.now();
    for (const room of this.rooms.values()) {
      if (room.previous && room.previous.until < t) this.dropPrevious(room);
      if (t >= room.current.createdAt + rotationIntervalMs || t >= room.current.expiresAt) due.push(room);
    }
    return due;
  }

  private dropPrevious(room: OwnRoom): void {
    if (room.previous) wipeEphemeral(room.previous.key.ephemeral, this.backend);
    room.previous = null;
  }

  leave(roomId: string): boolean {
    const room = this.rooms.get(roomId);
    if (!room) return false;
    this.dropPrevious(room);
    wipeEphemeral(room.current.ephemeral, this.backend);
    this.rooms.delete(roomId);
    return true;
  }

  dispose(): void {
    for (const id of this.roomIds()) this.leave(id);
  }
}
