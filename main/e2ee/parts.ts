// The E2EE service's private parts, built once and handed only to the modules of main/e2ee/ that implement its operations.
import type { E2eeSettings } from '../../protocol/ipc-e2ee';
import type { CryptoBackend } from '../crypto';
import { DomainError } from '../errors';
import type { Keystore } from '../keystore/keystore';
import type { AuditLog } from './audit';
import { ContactStore } from './contacts';
import { EpochStore } from './epochs';
import { IdentityService } from './identity';
import { PeerSessions } from './peers';
import { RevocationStore } from './revocations';
import { RoomKeyManager, type OwnRoom } from './room-keys';
import { Stats, type RejectionReason } from './stats';

export interface E2eeOptions {
  dataDir: string; keystore: Keystore; backend: CryptoBackend; now: () => number;
  /** The app's audit log; the service records its events there (public facts only). */
  audit: AuditLog;
  /** Test hook: receives a copy of every secret byte string the service creates (identity seed, ephemeral and session keys). */
  onSecret?: (secret: Uint8Array) => void;
}

export interface E2eeParts {
  readonly backend: CryptoBackend;
  readonly now: () => number;
  readonly audit: AuditLog;
  readonly stats: Stats;
  readonly contacts: ContactStore;
  readonly identity: IdentityService;
  readonly roomKeys: RoomKeyManager;
  readonly peers: PeerSessions;
  /** Revoked peer keys per (room, identity), kept until they expire across leave, re-join and restart. */
  readonly revocations: RevocationStore;
  /** Our last epoch per room, so our epochs only go up. */
  readonly epochs: EpochStore;
  /** The settings in force (a snapshot: change them through the service's `updateSettings`). */
  settings(): E2eeSettings;
  /** Counts and audits (`<what>-rejected`) a refusal, then returns the typed error to throw. */
  reject(reason: RejectionReason, what: string, message: string, fields?: Record<string, string>): DomainError;
  /** Our key material for a room, or a `no-room-key` error. */
  requireRoom(roomId: string): OwnRoom;
}

export function buildParts(opts: E2eeOptions, settings: () => E2eeSettings): E2eeParts {
  const { audit, backend, now } = opts;
  const onSecret = (b: Uint8Array) => opts.onSecret?.(b.slice());
  const stats = new Stats();
  // Construction order is load order: each store audits a damaged file as it loads it.
  const contacts = new ContactStore(opts.dataDir, now, (e) => audit.record(e.type, { ...e }));
  const identity = new IdentityService(opts.dataDir, opts.keystore, backend, now, {
    onCreated: (identityKey) => audit.record('identity-created', { identityKey }),
    onSecret
  });
  const revocations = new RevocationStore(opts.dataDir, now, (e) => audit.record(e.type, { detail: e.detail }));
  const epochs = new EpochStore(opts.dataDir, now, (e) => audit.record(e.type, { detail: e.detail }));
  const roomKeys = new RoomKeyManager(backend, now, (b) => { stats.count('keysGenerated'); onSecret(b); }, epochs);
  return {
    backend, now, audit, stats, contacts, identity, revocations, epochs, roomKeys, settings,
    peers: new PeerSessions(backend, now, onSecret),
    reject(reason, what, message, fields = {}) {
      stats.reject(reason);
      audit.record(`${what}-rejected`, { reason, ...fields });
      return new DomainError(reason === 'signature' ? 'bad-signature' : reason, message);
    },
    requireRoom(roomId) {
      const room = roomKeys.get(roomId);
      if (!room) throw new DomainError('no-room-key', `no room key for ${roomId}: call keys:create first`);
      return room;
    }
  };
}
