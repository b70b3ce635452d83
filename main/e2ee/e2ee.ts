// The E2EE service: identity, room keys, sessions, notices, trust, messages, link bindings and file-offer keys, behind named operations.
import { fromB64u, toB64u } from '../../protocol/encoding';
import type { Contact, E2eeSettings, E2eeStats, IdentityInfo, OpenedMessage, RoomKeyInfo, SessionInfo } from '../../protocol/ipc-e2ee';
import type { WireHeldNotice } from '../../protocol/held-notice';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';
import { JOIN_CHALLENGE_BYTES } from '../../protocol/join-proof';
import type { LinkRole, WireLinkBinding } from '../../protocol/link';
import { LIMITS } from '../../protocol/limits';
import { safetyNumber, signJoinProof, type FileFinalExpect, type FileFinalFields, type RejectReason } from '../crypto';
import { DomainError } from '../errors';
import { adoptBundle, checkBundle, normalizeName, sessionInfo } from './bundles';
import { fileOfferSigners, signFileFinal, verifyIncomingFinal, verifyIncomingOffer, type FileOfferSigners, type IncomingOffer,
  type VerifiedOffer } from './file-offers';
import { sealGroupChatAsSelf, signFrameOriginAsSelf, type GroupChatSealFields } from './group-chat';
import { checkHeld, signHeld } from './held';
import { linkBind, linkVerify } from './link';
import { mediaKeyRecipientState, openMediaKey, sealMediaKey, type MediaKeyRecipientState } from './media-key-envelopes';
import { openMessage, sealMessage } from './messages';
import { applyRevocation, applyRotation, revokeOwnKey, rotateRoom } from './notices';
import { buildParts, type E2eeOptions, type E2eeParts } from './parts';
import type { OwnRoom } from './room-keys';
import { SettingsStore } from './settings';

export type { E2eeOptions } from './parts';
export type { MediaKeyRecipientState } from './media-key-envelopes';
export { DEFAULT_SETTINGS } from './settings';

/**
 * Every part (keys, sessions, counters, stores) is private: the rules live in the modules of main/e2ee/ that get
 * `parts`, and everything outside main/e2ee/ goes through the operations below.
 */
export class E2eeService {
  private readonly parts: E2eeParts;
  private readonly settingsStore: SettingsStore;
  /** Loaded from settings.json at start-up (defaults when absent or invalid); change through `updateSettings`. */
  private current: E2eeSettings;

  constructor(opts: E2eeOptions) {
    this.settingsStore = new SettingsStore(opts.dataDir, (e) => opts.audit.record(e.type, { reason: e.reason, movedTo: e.movedTo }));
    this.current = this.settingsStore.load();
    this.parts = buildParts(opts, () => ({ ...this.current }));
  }

  get settings(): E2eeSettings { return { ...this.current }; }

  /** Applies a validated patch, persists it atomically (memory changes only if the write succeeded) and audits the change. */
  updateSettings(patch: Partial<E2eeSettings>): E2eeSettings {
    const next: E2eeSettings = { ...this.current, ...patch };
    this.settingsStore.save(next);
    this.current = next;
    this.parts.audit.record('settings-changed', { signMessages: next.signMessages, rotationIntervalMs: next.rotationIntervalMs, maxFileBytes: next.maxFileBytes,
      alwaysRelay: next.alwaysRelay });
    return { ...next };
  }

  stats(): E2eeStats { return this.parts.stats.snapshot(); }

  /** Counts and audits a rejection made on the service's behalf, then returns the typed error to throw. */
  reject(reason: RejectReason, what: string, message: string, fields: Record<string, string> = {}): DomainError {
    return this.parts.reject(reason, what, message, fields);
  }

  /** Random bytes from the crypto backend (ids and tokens). */
  randomBytes(n: number): Uint8Array { return this.parts.backend.randomBytes(n); }

  identityInfo(): Promise<IdentityInfo> { return this.parts.identity.info(); }

  /** Throws `no-room-key` unless we hold a key for the room. */
  assertRoom(roomId: string): void { this.parts.requireRoom(roomId); }

  private roomInfo(room: OwnRoom): RoomKeyInfo {
    const k = room.current;
    const info: RoomKeyInfo = { roomId: room.roomId, keyId: k.keyIdB64, epoch: k.epoch,
      createdAt: k.createdAt, expiresAt: k.expiresAt, bundle: k.bundle };
    if (room.lastRotation) info.lastRotation = room.lastRotation;
    return info;
  }

  async createKeys(roomId: string): Promise<RoomKeyInfo> {
    const p = this.parts;
    const id = await p.identity.get();
    const { room, created } = p.roomKeys.ensure(id, roomId);
    if (created) p.audit.record('room-key-created', { roomId, keyId: room.current.keyIdB64, epoch: room.current.epoch });
    else if (p.now() >= room.current.expiresAt) rotateRoom(p, id, room, 'expired');
    return this.roomInfo(room);
  }

  async getKeys(roomId: string): Promise<RoomKeyInfo> {
    const p = this.parts;
    const room = p.requireRoom(roomId);
    if (p.now() >= room.current.expiresAt) rotateRoom(p, await p.identity.get(), room, 'expired');
    return this.roomInfo(room);
  }

  async rotate(roomId: string): Promise<WireRotationNotice> {
    const room = this.parts.requireRoom(roomId);
    return rotateRoom(this.parts, await this.parts.identity.get(), room, 'on-demand');
  }

  async revoke(roomId: string): Promise<{ revocation: WireRevocationNotice; replacement: WireRotationNotice }> {
    const room = this.parts.requireRoom(roomId);
    return revokeOwnKey(this.parts, await this.parts.identity.get(), room);
  }

  async openSession(bundle: WireKeyBundle, presentedName: string): Promise<SessionInfo> {
    const p = this.parts;
    const id = await p.identity.get();
    const room = p.requireRoom(bundle.roomId);
    const known = p.peers.get(bundle.roomId, bundle.identityKey);
    const displayName = normalizeName(p, presentedName, bundle);
    checkBundle(p, id, bundle, known, 'bundle');
    p.contacts.present(bundle.roomId, bundle.identityKey, displayName);
    const peer = p.peers.ensurePeer(bundle, displayName);
    adoptBundle(p, id, room, peer, bundle, LIMITS.rotationGraceMs);
    return sessionInfo(p, peer);
  }

  /** Wipes the peer's sessions (its epoch and seen keys are kept until the room is left). */
  closeSession(roomId: string, peerIdentityKey: string): void {
    if (this.parts.peers.close(roomId, peerIdentityKey)) this.parts.audit.record('session-closed', { roomId, peerIdentityKey });
  }

  applyRotation(n: WireRotationNotice): Promise<SessionInfo> { return applyRotation(this.parts, n); }

  async applyRevocation(n: WireRevocationNotice): Promise<{ peerIdentityKey: string; keyId: string }> { return applyRevocation(this.parts, n); }

  sealMessage(roomId: string, peerIdentityKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return sealMessage(this.parts, roomId, peerIdentityKey, plaintext);
  }

  openMessage(roomId: string, peerIdentityKey: string, envelope: Uint8Array): Promise<OpenedMessage> {
    return openMessage(this.parts, roomId, peerIdentityKey, envelope);
  }

  /** Whether this member may get our SFU media key now (see media-key-envelopes.ts). */
  mediaKeyRecipientState(roomId: string, peerIdentityKey: string): MediaKeyRecipientState {
    return mediaKeyRecipientState(this.parts, roomId, peerIdentityKey);
  }

  /** Seals a media-key message to a member that passes the gate (always signed, under the session's wrap key). */
  sealMediaKey(roomId: string, peerIdentityKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return sealMediaKey(this.parts, roomId, peerIdentityKey, plaintext);
  }

  /** Opens a member's media-key envelope; `accept` checks its plaintext, and only then is the counter recorded. */
  openMediaKey(roomId: string, peerIdentityKey: string, envelope: Uint8Array, accept: (plaintext: Uint8Array) => void): Promise<void> {
    return openMediaKey(this.parts, roomId, peerIdentityKey, envelope, accept);
  }

  /** Seals one room chat message under a chat key main derived, signed with our identity key (PROTOCOL.md §22). */
  sealGroupChat(roomId: string, fields: GroupChatSealFields, plaintext: Uint8Array): Promise<{ bytes: Uint8Array; sentAt: number }> {
    return sealGroupChatAsSelf(this.parts, roomId, fields, plaintext);
  }

  /** Signs a digest of the frames our worker sealed (PROTOCOL.md §22a): the bytes for `media:origin`. */
  signFrameOrigin(roomId: string, run: { kid: number; firstCtr: number; tags: Uint8Array }): Promise<Uint8Array> {
    return signFrameOriginAsSelf(this.parts, roomId, run);
  }

  linkBind(roomId: string, peerIdentityKey: string, role: LinkRole, localFp: string, remoteFp: string, sdpDigest?: string): Promise<WireLinkBinding> {
    return linkBind(this.parts, roomId, peerIdentityKey, role, localFp, remoteFp, sdpDigest);
  }

  linkVerify(roomId: string, peerIdentityKey: string, binding: WireLinkBinding, remoteFp: string, localFp: string,
    sdpDigest?: string): Promise<{ ok: true }> {
    return linkVerify(this.parts, roomId, peerIdentityKey, binding, remoteFp, localFp, sdpDigest);
  }

  /** Per recipient in the room, a signer of file offers on our current session with them (see file-offers.ts). */
  fileOfferSigners(roomId: string): Promise<FileOfferSigners> { return fileOfferSigners(this.parts, roomId); }

  /** Checks an incoming file offer against the session it names; the result derives its transfer key. */
  verifyFileOffer(offer: IncomingOffer): Promise<VerifiedOffer> { return verifyIncomingOffer(this.parts, offer); }

  /** Signs the final message (whole-file hash) of one of our transfers with the identity key. */
  signFileFinal(fields: FileFinalFields): Promise<Uint8Array> { return signFileFinal(this.parts, fields); }

  /** The file hash of a sender's final message, checked against the transfer it must name. */
  verifyFileFinal(final: Uint8Array, expect: FileFinalExpect): Uint8Array { return verifyIncomingFinal(this.parts, final, expect); }

  listContacts(): Contact[] { return this.parts.contacts.list(); }
  setVerified(identityKey: string, verified: boolean): Contact { return this.parts.contacts.setVerified(identityKey, verified); }
  acceptChange(identityKey: string): Contact { return this.parts.contacts.acceptChange(identityKey); }
  markDistinct(identityKey: string): Contact { return this.parts.contacts.markDistinct(identityKey); }
  /** Our signed "your messages wait for my decision" for a peer whose key change is pending here. */
  signHeldNotice(roomId: string, subject: string): Promise<WireHeldNotice> { return signHeld(this.parts, roomId, subject); }
  /** Checks a peer's held notice about us: named signer, our live key, fresh, strict signature. */
  checkHeldNotice(roomId: string, signer: string, notice: WireHeldNotice): Promise<{ signer: string; issuedAt: number }> {
    return checkHeld(this.parts, roomId, signer, notice);
  }

  async safetyNumber(identityKey: string) {
    const id = await this.parts.identity.get();
    const theirs = fromB64u(identityKey);
    if (!theirs || theirs.length !== 32) throw new DomainError('malformed', 'identity key must be 32 bytes');
    return safetyNumber(id.publicKey, theirs);
  }

  /** Proves to the signaling server that we hold the identity key, for a room we hold a key for and its current keyId only. */
  async proveJoin(challenge: string, roomId: string, origin: string, keyId: string): Promise<{ proof: string }> {
    const p = this.parts;
    const id = await p.identity.get();
    const room = p.requireRoom(roomId);
    if (room.current.keyIdB64 !== keyId) throw new DomainError('unknown-key', 'keyId is not the current room key');
    if (fromB64u(challenge)?.length !== JOIN_CHALLENGE_BYTES) throw new DomainError('malformed', 'challenge is not canonical base64url');
    const proof = signJoinProof(p.backend, id.seed, { identityKey: toB64u(id.publicKey), challenge, roomId, origin, keyId });
    p.audit.record('join-proof-signed', { roomId, keyId, origin });
    return { proof };
  }

  /** Rotates due room keys and wipes sessions whose grace period ended. */
  async tick(): Promise<void> {
    const p = this.parts;
    p.peers.pruneAll();
    const due = p.roomKeys.sweep(this.current.rotationIntervalMs);
    if (due.length === 0) return;
    const id = await p.identity.get();
    for (const room of due) rotateRoom(p, id, room, p.now() >= room.current.expiresAt ? 'expired' : 'timer');
  }

  /** Forgets the room: sessions wiped, its members' presence dropped, our room keys wiped. */
  leaveRoom(roomId: string): void {
    const p = this.parts;
    p.peers.leave(roomId);
    p.contacts.forgetRoom(roomId);
    if (p.roomKeys.leave(roomId)) p.audit.record('room-left', { roomId });
  }

  /** Wipes every key held in memory. */
  dispose(): void {
    this.parts.peers.dispose();
    this.parts.roomKeys.dispose();
    this.parts.identity.dispose();
  }
}
