// The E2EE service behind the IPC channels: identity, room keys, sessions, notices, trust (link bindings live in link.ts).
import { fromB64u, toB64u } from '../../protocol/encoding';
import type { E2eeSettings, RoomKeyInfo, SessionInfo } from '../../protocol/ipc-e2ee';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { DisplayNameError, normalizeDisplayName } from '../../protocol/names';
import { ctEqual, safetyNumber, signJoinProof, verifyBundle, verifyRevocation, verifyRotation, type CryptoBackend,
  type IdentityKeyPair, type RejectReason } from '../crypto';
import { IpcFailure } from '../ipc/dispatcher';
import type { Keystore } from '../keystore/keystore';
import { AuditLog } from './audit';
import { ContactStore } from './contacts';
import { EpochStore } from './epochs';
import { rejected } from './errors';
import { fingerprintOf } from './fingerprint';
import { IdentityService } from './identity';
import { PeerSessions, type Peer } from './peers';
import { RevocationStore } from './revocations';
import { RoomKeyManager, type OwnRoom } from './room-keys';
import { SettingsStore } from './settings';
import { Stats } from './stats';

export interface E2eeOptions {
  dataDir: string; keystore: Keystore; backend: CryptoBackend; now: () => number;
  /** Test hook: receives a copy of every secret byte string the service creates (identity seed, ephemeral and session keys). */
  onSecret?: (secret: Uint8Array) => void;
}

export { DEFAULT_SETTINGS } from './settings';

export class E2eeCore {
  readonly audit: AuditLog;
  readonly stats = new Stats();
  readonly contacts: ContactStore;
  readonly identity: IdentityService;
  readonly roomKeys: RoomKeyManager;
  readonly peers: PeerSessions;
  /** Revoked peer keys per (room, identity), kept until they expire across leave, re-join and restart. */
  readonly revocations: RevocationStore;
  /** Our last epoch per room, so our epochs only go up. */
  readonly epochs: EpochStore;
  readonly backend: CryptoBackend;
  readonly now: () => number;
  readonly settingsStore: SettingsStore;
  /** Loaded from settings.json at start-up (defaults when absent or invalid); change through `updateSettings`. */
  settings: E2eeSettings;

  constructor(opts: E2eeOptions) {
    this.backend = opts.backend;
    this.now = opts.now;
    const onSecret = (b: Uint8Array) => opts.onSecret?.(b.slice());
    this.audit = new AuditLog(opts.dataDir, opts.now);
    this.settingsStore = new SettingsStore(opts.dataDir, (e) => this.audit.record(e.type, { reason: e.reason, movedTo: e.movedTo }));
    this.settings = this.settingsStore.load();
    this.contacts = new ContactStore(opts.dataDir, opts.now, (e) => this.audit.record(e.type, { ...e }));
    this.identity = new IdentityService(opts.dataDir, opts.keystore, opts.backend, opts.now, {
      onCreated: (identityKey) => this.audit.record('identity-created', { identityKey }),
      onSecret
    });
    this.revocations = new RevocationStore(opts.dataDir, opts.now, (e) => this.audit.record(e.type, { detail: e.detail }));
    this.epochs = new EpochStore(opts.dataDir, opts.now, (e) => this.audit.record(e.type, { detail: e.detail }));
    this.roomKeys = new RoomKeyManager(opts.backend, opts.now, (b) => { this.stats.keysGenerated++; onSecret(b); }, this.epochs);
    this.peers = new PeerSessions(opts.backend, opts.now, onSecret);
  }

  /** Applies a validated patch, persists it atomically (memory changes only if the write succeeded) and audits the change. */
  updateSettings(patch: Partial<E2eeSettings>): E2eeSettings {
    const next: E2eeSettings = { ...this.settings, ...patch };
    this.settingsStore.save(next);
    this.settings = next;
    this.audit.record('settings-changed', { signMessages: next.signMessages, rotationIntervalMs: next.rotationIntervalMs, maxFileBytes: next.maxFileBytes,
      alwaysRelay: next.alwaysRelay });
    return { ...next };
  }

  /** Counts and logs a rejection, then returns the typed IPC error to throw. */
  reject(reason: RejectReason, what: string, message: string, fields: Record<string, string> = {}): IpcFailure {
    this.stats.reject(reason);
    this.audit.record(`${what}-rejected`, { reason, ...fields });
    return rejected(reason, message);
  }

  roomInfo(room: OwnRoom): RoomKeyInfo {
    const k = room.current;
    const info: RoomKeyInfo = { roomId: room.roomId, keyId: k.keyIdB64, epoch: k.epoch,
      createdAt: k.createdAt, expiresAt: k.expiresAt, bundle: k.bundle };
    if (room.lastRotation) info.lastRotation = room.lastRotation;
    return info;
  }

  requireRoom(roomId: string): OwnRoom {
    const room = this.roomKeys.get(roomId);
    if (!room) throw new IpcFailure('no-room-key', `no room key for ${roomId}: call keys:create first`);
    return room;
  }

  async createKeys(roomId: string): Promise<RoomKeyInfo> {
    const id = await this.identity.get();
    const { room, created } = this.roomKeys.ensure(id, roomId);
    if (created) this.audit.record('room-key-created', { roomId, keyId: room.current.keyIdB64, epoch: room.current.epoch });
    else if (this.now() >= room.current.expiresAt) this.rotateRoom(id, room, 'expired');
    return this.roomInfo(room);
  }

  async getKeys(roomId: string): Promise<RoomKeyInfo> {
    const room = this.requireRoom(roomId);
    if (this.now() >= room.current.expiresAt) this.rotateRoom(await this.identity.get(), room, 'expired');
    return this.roomInfo(room);
  }

  /** Rotates our key and re-keys every peer session of the room; old sessions keep opening for the grace period. */
  rotateRoom(id: IdentityKeyPair, room: OwnRoom, reason: string): WireRotationNotice {
    const previousKeyId = room.current.keyIdB64;
    const notice = this.roomKeys.rotate(id, room, LIMITS.rotationGraceMs);
    this.rekeyPeers(id, room, LIMITS.rotationGraceMs);
    this.audit.record('room-key-rotated', { roomId: room.roomId, previousKeyId, keyId: notice.bundle.keyId, epoch: notice.epoch, reason });
    return notice;
  }

  private rekeyPeers(id: IdentityKeyPair, room: OwnRoom, graceMs: number): void {
    for (const peer of this.peers.peersIn(room.roomId)) {
      if (!peer.bundle) continue;
      try {
        this.peers.install(peer, this.peers.derive(id, room.current, peer, peer.bundle), graceMs);
      } catch {
        this.audit.record('session-rekey-failed', { roomId: room.roomId, peerIdentityKey: peer.identityKeyB64 });
      }
    }
  }

  async rotate(roomId: string): Promise<WireRotationNotice> {
    const room = this.requireRoom(roomId);
    return this.rotateRoom(await this.identity.get(), room, 'on-demand');
  }

  async revoke(roomId: string): Promise<{ revocation: WireRevocationNotice; replacement: WireRotationNotice }> {
    const room = this.requireRoom(roomId);
    const id = await this.identity.get();
    const revokedKeyId = room.current.ephemeral.keyId.slice();
    const { revocation, replacement } = this.roomKeys.revoke(id, room);
    for (const peer of this.peers.peersIn(roomId)) this.peers.dropMyKey(revokedKeyId, peer);
    this.rekeyPeers(id, room, 0);
    this.audit.record('room-key-revoked', { roomId, keyId: revocation.keyId, epoch: revocation.epoch, replacementKeyId: replacement.bundle.keyId });
    return { revocation, replacement };
  }

  /** Checks a peer bundle: signature, room, lifetime, revocation (persisted, so also for a peer not yet known), room size, epoch order. */
  checkBundle(id: IdentityKeyPair, bundle: WireKeyBundle, peer: Peer | undefined, what: string): void {
    const fields = { roomId: bundle.roomId, peerIdentityKey: bundle.identityKey, keyId: bundle.keyId };
    const idKey = fromB64u(bundle.identityKey);
    const eph = fromB64u(bundle.ephemeralKey);
    if (!idKey || idKey.length !== 32 || !eph || eph.length !== 32 || fromB64u(bundle.keyId)?.length !== 16) {
      throw this.reject('malformed', what, 'bundle fields do not decode', fields);
    }
    if (ctEqual(idKey, id.publicKey)) throw this.reject('malformed', what, 'bundle is our own', fields);
    if (!verifyBundle(this.backend, bundle)) throw this.reject('signature', what, 'bundle signature does not verify', fields);
    const t = this.now();
    if (bundle.expiresAt <= bundle.createdAt || bundle.expiresAt - bundle.createdAt > LIMITS.keyMaxAgeMs) {
      throw this.reject('malformed', what, 'bundle lifetime exceeds the maximum', fields);
    }
    if (t >= bundle.expiresAt) throw this.reject('expired', what, 'bundle expired', fields);
    if (bundle.createdAt > t + LIMITS.freshnessTtlMs) throw this.reject('stale', what, 'bundle created in the future', fields);
    if (this.revocations.has(bundle.roomId, bundle.identityKey, bundle.keyId)) throw this.reject('revoked', what, 'bundle key was revoked', fields);
    if (!peer) {
      if (this.peers.hasRoomFor(bundle.roomId)) return;
      this.audit.record(`${what}-rejected`, { reason: 'room-too-large', ...fields });
      throw new IpcFailure('room-too-large', `this room already has ${LIMITS.maxRoomMembers} members`);
    }
    const sameKey = peer.bundle?.keyId === bundle.keyId;
    if (bundle.epoch < peer.highestEpoch || (bundle.epoch === peer.highestEpoch && peer.bundle && !sameKey)) {
      throw this.reject('old-epoch', what, 'bundle epoch is older than one already seen', fields);
    }
  }

  sessionInfo(peer: Peer): SessionInfo {
    const claims = this.contacts.claim(peer.identityKeyB64, peer.displayName);
    return { roomId: peer.roomId, peerIdentityKey: peer.identityKeyB64, peerKeyId: peer.bundle?.keyId ?? '', peerEpoch: peer.highestEpoch,
      displayName: peer.displayName, trust: this.contacts.trustOf(peer.identityKeyB64, peer.displayName),
      fingerprint: fingerprintOf(peer.identityKey), ...(claims ? { claims } : {}) };
  }

  /** Accepts a verified bundle as the peer's current key and installs the session with our current key. */
  adoptBundle(id: IdentityKeyPair, room: OwnRoom, peer: Peer, bundle: WireKeyBundle, graceMs: number): void {
    const existing = this.peers.current(peer);
    if (existing && peer.bundle?.keyId === bundle.keyId && ctEqual(existing.myKeyId, room.current.ephemeral.keyId)) return;
    const session = this.peers.derive(id, room.current, peer, bundle);
    peer.bundle = bundle;
    peer.highestEpoch = Math.max(peer.highestEpoch, bundle.epoch);
    this.peers.install(peer, session, graceMs);
    this.stats.sessionsOpened++;
    this.audit.record('session-opened', { roomId: peer.roomId, peerIdentityKey: peer.identityKeyB64, peerKeyId: bundle.keyId,
      myKeyId: room.current.keyIdB64, epoch: bundle.epoch });
  }

  async openSession(bundle: WireKeyBundle, presentedName: string): Promise<SessionInfo> {
    const id = await this.identity.get();
    const room = this.requireRoom(bundle.roomId);
    const known = this.peers.get(bundle.roomId, bundle.identityKey);
    const displayName = this.normalizeName(presentedName, bundle);
    this.checkBundle(id, bundle, known, 'bundle');
    this.contacts.present(bundle.roomId, bundle.identityKey, displayName);
    const peer = this.peers.ensurePeer(bundle, displayName);
    this.adoptBundle(id, room, peer, bundle, LIMITS.rotationGraceMs);
    return this.sessionInfo(peer);
  }

  /** Names are compared, stored and shown only in their normalized form; a name with nothing visible is refused. */
  private normalizeName(presentedName: string, bundle: WireKeyBundle): string {
    try {
      return normalizeDisplayName(presentedName);
    } catch (err) {
      if (!(err instanceof DisplayNameError)) throw err;
      throw this.reject('malformed', 'bundle', `display name refused: ${err.message}`, { roomId: bundle.roomId, peerIdentityKey: bundle.identityKey });
    }
  }

  async applyRotation(n: WireRotationNotice): Promise<SessionInfo> {
    const id = await this.identity.get();
    const fields = { roomId: n.roomId, peerIdentityKey: n.identityKey };
    if (n.bundle.identityKey !== n.identityKey || n.bundle.roomId !== n.roomId || n.bundle.epoch !== n.epoch) {
      throw this.reject('malformed', 'rotation', 'notice and bundle disagree', fields);
    }
    if (!verifyRotation(this.backend, n)) throw this.reject('signature', 'rotation', 'rotation notice signature does not verify', fields);
    const room = this.requireRoom(n.roomId);
    const peer = this.peers.get(n.roomId, n.identityKey);
    if (!peer) throw new IpcFailure('no-session', 'no session with this peer in this room');
    if (peer.bundle?.keyId === n.bundle.keyId) throw this.reject('replay', 'rotation', 'rotation notice already applied', fields);
    if (n.epoch <= peer.highestEpoch) throw this.reject('old-epoch', 'rotation', 'rotation notice epoch is not newer', fields);
    this.checkBundle(id, n.bundle, peer, 'rotation');
    this.adoptBundle(id, room, peer, n.bundle, LIMITS.rotationGraceMs);
    this.audit.record('peer-key-rotated', { ...fields, keyId: n.bundle.keyId, previousKeyId: n.previousKeyId, epoch: n.epoch });
    return this.sessionInfo(peer);
  }

  /**
   * Applies a signed revocation of any key of the peer, in any order: a key we have seen must carry its epoch, and
   * its sessions are wiped at once (grace or not); a key never seen is remembered so that its bundle is refused later.
   */
  async applyRevocation(n: WireRevocationNotice): Promise<{ peerIdentityKey: string; keyId: string }> {
    const fields = { roomId: n.roomId, peerIdentityKey: n.identityKey, keyId: n.keyId };
    if (!verifyRevocation(this.backend, n)) throw this.reject('signature', 'revocation', 'revocation notice signature does not verify', fields);
    const peer = this.peers.get(n.roomId, n.identityKey);
    if (!peer) throw new IpcFailure('no-session', 'no session with this peer in this room');
    if (this.revocations.has(n.roomId, n.identityKey, n.keyId)) throw this.reject('replay', 'revocation', 'key already revoked', fields);
    const seen = peer.seenKeys.get(n.keyId);
    if (seen && seen.epoch !== n.epoch) throw this.reject('malformed', 'revocation', 'epoch does not match the key', fields);
    // A key never seen can live at most keyMaxAgeMs from a createdAt up to freshnessTtlMs ahead of our clock.
    const expiresAt = seen?.expiresAt ?? this.now() + LIMITS.keyMaxAgeMs + LIMITS.freshnessTtlMs;
    this.revocations.add({ roomId: n.roomId, identityKey: n.identityKey, keyId: n.keyId, expiresAt });
    this.peers.revokePeerKey(peer, n.keyId);
    if (seen) peer.highestEpoch = Math.max(peer.highestEpoch, n.epoch);
    this.audit.record('peer-key-revoked', { ...fields, epoch: n.epoch, seen: seen !== undefined });
    return { peerIdentityKey: n.identityKey, keyId: n.keyId };
  }

  async safetyNumber(identityKey: string) {
    const id = await this.identity.get();
    const theirs = fromB64u(identityKey);
    if (!theirs || theirs.length !== 32) throw new IpcFailure('malformed', 'identity key must be 32 bytes');
    return safetyNumber(id.publicKey, theirs);
  }

  /** Proves to the signaling server that we hold the identity key, for a room we hold a key for and its current keyId only. */
  async proveJoin(challenge: string, roomId: string, origin: string, keyId: string): Promise<{ proof: string }> {
    const id = await this.identity.get();
    const room = this.requireRoom(roomId);
    if (room.current.keyIdB64 !== keyId) throw new IpcFailure('unknown-key', 'keyId is not the current room key');
    const proof = signJoinProof(this.backend, id.seed, { identityKey: toB64u(id.publicKey), challenge, roomId, origin, keyId });
    this.audit.record('join-proof-signed', { roomId, keyId, origin });
    return { proof };
  }
}
