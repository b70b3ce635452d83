// The E2EE service behind the IPC channels: identity, room keys, sessions, notices, trust (link bindings live in link.ts).
import { fromB64u } from '../../protocol/encoding';
import type { E2eeSettings, RoomKeyInfo, SessionInfo } from '../../protocol/ipc-e2ee';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { ctEqual, safetyNumber, verifyBundle, verifyRevocation, verifyRotation, type CryptoBackend,
  type IdentityKeyPair, type RejectReason } from '../crypto';
import { IpcFailure } from '../ipc/dispatcher';
import type { Keystore } from '../keystore/keystore';
import { AuditLog } from './audit';
import { ContactStore } from './contacts';
import { rejected } from './errors';
import { fingerprintOf } from './fingerprint';
import { IdentityService } from './identity';
import { PeerSessions, type Peer } from './peers';
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
    this.roomKeys = new RoomKeyManager(opts.backend, opts.now, (b) => { this.stats.keysGenerated++; onSecret(b); });
    this.peers = new PeerSessions(opts.backend, opts.now, onSecret);
  }

  /** Applies a validated patch, persists it atomically (memory changes only if the write succeeded) and audits the change. */
  updateSettings(patch: Partial<E2eeSettings>): E2eeSettings {
    const next: E2eeSettings = { ...this.settings, ...patch };
    this.settingsStore.save(next);
    this.settings = next;
    this.audit.record('settings-changed', { signMessages: next.signMessages, rotationIntervalMs: next.rotationIntervalMs, maxFileBytes: next.maxFileBytes });
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

  /** Checks a peer bundle: signature, room, lifetime, revocation and epoch monotonicity. */
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
    if (!peer) return;
    if (peer.revokedKeyIds.includes(bundle.keyId)) throw this.reject('revoked', what, 'bundle key was revoked', fields);
    const sameKey = peer.bundle?.keyId === bundle.keyId;
    if (bundle.epoch < peer.highestEpoch || (bundle.epoch === peer.highestEpoch && peer.bundle && !sameKey)) {
      throw this.reject('old-epoch', what, 'bundle epoch is older than one already seen', fields);
    }
  }

  sessionInfo(peer: Peer, firstSeen: boolean): SessionInfo {
    return { roomId: peer.roomId, peerIdentityKey: peer.identityKeyB64, peerKeyId: peer.bundle?.keyId ?? '', peerEpoch: peer.highestEpoch,
      displayName: peer.displayName, trust: this.contacts.trustOf(peer.displayName, peer.identityKeyB64, firstSeen),
      fingerprint: fingerprintOf(peer.identityKey) };
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

  async openSession(bundle: WireKeyBundle, displayName: string): Promise<SessionInfo> {
    const id = await this.identity.get();
    const room = this.requireRoom(bundle.roomId);
    const known = this.peers.get(bundle.roomId, bundle.identityKey);
    this.checkBundle(id, bundle, known, 'bundle');
    const firstSeen = !this.contacts.list().some((c) => c.displayName === displayName);
    this.contacts.observe(displayName, bundle.identityKey);
    const peer = this.peers.ensurePeer(bundle, displayName);
    this.adoptBundle(id, room, peer, bundle, LIMITS.rotationGraceMs);
    return this.sessionInfo(peer, firstSeen);
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
    return this.sessionInfo(peer, false);
  }

  async applyRevocation(n: WireRevocationNotice): Promise<{ peerIdentityKey: string; keyId: string }> {
    const fields = { roomId: n.roomId, peerIdentityKey: n.identityKey, keyId: n.keyId };
    if (!verifyRevocation(this.backend, n)) throw this.reject('signature', 'revocation', 'revocation notice signature does not verify', fields);
    const peer = this.peers.get(n.roomId, n.identityKey);
    if (!peer) throw new IpcFailure('no-session', 'no session with this peer in this room');
    if (peer.revokedKeyIds.includes(n.keyId)) throw this.reject('replay', 'revocation', 'key already revoked', fields);
    if (n.epoch < peer.highestEpoch) throw this.reject('old-epoch', 'revocation', 'revocation epoch is older than the current key', fields);
    const knownKey = peer.bundle?.keyId === n.keyId || peer.sessions.some((s) => s.peerKeyIdB64 === n.keyId);
    if (!knownKey) throw this.reject('unknown-key', 'revocation', 'revocation names a key we do not hold', fields);
    if (peer.bundle?.keyId === n.keyId && peer.bundle.epoch !== n.epoch) throw this.reject('malformed', 'revocation', 'epoch does not match the key', fields);
    this.peers.revokePeerKey(peer, n.keyId);
    peer.highestEpoch = Math.max(peer.highestEpoch, n.epoch);
    this.audit.record('peer-key-revoked', { ...fields, epoch: n.epoch });
    return { peerIdentityKey: n.identityKey, keyId: n.keyId };
  }

  async safetyNumber(identityKey: string) {
    const id = await this.identity.get();
    const theirs = fromB64u(identityKey);
    if (!theirs || theirs.length !== 32) throw new IpcFailure('malformed', 'identity key must be 32 bytes');
    return safetyNumber(id.publicKey, theirs);
  }
}
