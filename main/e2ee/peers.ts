// Pairwise sessions with peers per room: verified bundles in, per-direction keys, replay windows, grace and wipe.
import { fromB64u } from '../../protocol/encoding';
import type { WireKeyBundle } from '../../protocol/keys';
import { LIMITS } from '../../protocol/limits';
import { ctEqual, deriveSessionKeys, ReplayWindow, wipeSessionKeys, ZeroSharedSecretError, type CryptoBackend, type IdentityKeyPair,
  type SessionKeys } from '../crypto';
import { DomainError } from '../errors';
import { rejected } from './errors';
import type { OwnRoomKey } from './room-keys';

export interface Session {
  peerKeyId: Uint8Array; peerKeyIdB64: string; peerEpoch: number; peerExpiresAt: number;
  myKeyId: Uint8Array; keys: SessionKeys; counters: PairCounters;
  /** Set when superseded by a rotation: the session still opens until then, never seals. */
  graceUntil: number | null;
}

/** What we know of a peer key we have held a session with: a revocation must name the same epoch. */
export interface SeenKey { epoch: number; expiresAt: number }

/** Send counter and replay window of one (our key, peer key) pair; outlives close/re-open so nonces never repeat. */
export interface PairCounters { sendCounter: number; window: ReplayWindow }

export interface Peer {
  roomId: string; identityKeyB64: string; identityKey: Uint8Array; displayName: string;
  bundle: WireKeyBundle | null; highestEpoch: number; sessions: Session[];
  /** Revoked ids seen while in the room, for envelope error codes; the persisted RevocationStore is the authority. */
  revokedKeyIds: string[];
  /** Bounded (`LIMITS.seenKeysPerPeer`, oldest dropped) history of the peer keys we accepted, by keyId. */
  seenKeys: Map<string, SeenKey>;
  pairs: Map<string, PairCounters>;
}

const MAX_SESSIONS_PER_PEER = 4;
const MAX_REVOKED_REMEMBERED = 64;
const MAX_PAIRS_REMEMBERED = 16;

export class PeerSessions {
  private readonly peers = new Map<string, Peer>();

  constructor(private readonly backend: CryptoBackend, private readonly now: () => number, private readonly onSecret: (b: Uint8Array) => void) {}

  private static key(roomId: string, identityKey: string): string { return `${roomId}\n${identityKey}`; }

  get(roomId: string, identityKey: string): Peer | undefined { return this.peers.get(PeerSessions.key(roomId, identityKey)); }

  peersIn(roomId: string): Peer[] { return [...this.peers.values()].filter((p) => p.roomId === roomId); }

  /**
   * True when a new peer fits in the room: closed peers (no session) are forgotten first to make room, so only peers
   * with sessions count against `LIMITS.maxRoomMembers`.
   */
  hasRoomFor(roomId: string): boolean {
    const inRoom = this.peersIn(roomId);
    if (inRoom.length < LIMITS.maxRoomMembers) return true;
    const closed = inRoom.find((p) => p.sessions.length === 0 && p.bundle === null);
    if (!closed) return false;
    this.peers.delete(PeerSessions.key(roomId, closed.identityKeyB64));
    return true;
  }

  ensurePeer(bundle: WireKeyBundle, displayName: string): Peer {
    const k = PeerSessions.key(bundle.roomId, bundle.identityKey);
    let peer = this.peers.get(k);
    if (!peer) {
      if (!this.hasRoomFor(bundle.roomId)) throw new DomainError('room-too-large', `at most ${LIMITS.maxRoomMembers} members per room`);
      peer = { roomId: bundle.roomId, identityKeyB64: bundle.identityKey, identityKey: fromB64u(bundle.identityKey)!, displayName,
        bundle: null, highestEpoch: -1, revokedKeyIds: [], seenKeys: new Map(), sessions: [], pairs: new Map() };
      this.peers.set(k, peer);
    }
    peer.displayName = displayName;
    return peer;
  }

  /** Derives the session between our key and the peer's bundle (already verified by the caller). */
  derive(identity: IdentityKeyPair, mine: OwnRoomKey, peer: Peer, bundle: WireKeyBundle): Session {
    let keys: SessionKeys;
    try {
      keys = deriveSessionKeys(this.backend, peer.roomId, { identityKey: identity.publicKey, ephemeral: mine.ephemeral }, {
        identityKey: peer.identityKey, ephemeralKey: fromB64u(bundle.ephemeralKey)!, keyId: fromB64u(bundle.keyId)!
      });
    } catch (err) {
      if (err instanceof ZeroSharedSecretError) throw rejected('malformed', 'peer key gives an all-zero shared secret');
      throw err;
    }
    this.onSecret(keys.sendKey);
    this.onSecret(keys.recvKey);
    const pair = `${mine.keyIdB64}|${bundle.keyId}`;
    let counters = peer.pairs.get(pair);
    if (!counters) {
      counters = { sendCounter: 0, window: new ReplayWindow() };
      peer.pairs.set(pair, counters);
      if (peer.pairs.size > MAX_PAIRS_REMEMBERED) peer.pairs.delete(peer.pairs.keys().next().value!);
    }
    return { peerKeyId: fromB64u(bundle.keyId)!, peerKeyIdB64: bundle.keyId, peerEpoch: bundle.epoch, peerExpiresAt: bundle.expiresAt,
      myKeyId: mine.ephemeral.keyId, keys, counters, graceUntil: null };
  }

  /** Makes `session` current; the previous current session keeps opening for `graceMs` (0 = wiped now). */
  install(peer: Peer, session: Session, graceMs: number): void {
    const t = this.now();
    for (const s of peer.sessions) if (s.graceUntil === null) s.graceUntil = graceMs > 0 ? t + graceMs : t - 1;
    peer.sessions.push(session);
    peer.seenKeys.delete(session.peerKeyIdB64);
    peer.seenKeys.set(session.peerKeyIdB64, { epoch: session.peerEpoch, expiresAt: session.peerExpiresAt });
    if (peer.seenKeys.size > LIMITS.seenKeysPerPeer) peer.seenKeys.delete(peer.seenKeys.keys().next().value!);
    this.prune(peer);
    while (peer.sessions.length > MAX_SESSIONS_PER_PEER) this.wipe(peer.sessions.shift()!);
  }

  /** Takes a verified bundle as the peer's current key, with `session` (derived from it) as the current session. */
  adopt(peer: Peer, bundle: WireKeyBundle, session: Session, graceMs: number): void {
    peer.bundle = bundle;
    this.noteEpoch(peer, bundle.epoch);
    this.install(peer, session, graceMs);
  }

  /** Epochs of a peer only go up: a notice or bundle with a lower epoch than this one is refused. */
  noteEpoch(peer: Peer, epoch: number): void {
    peer.highestEpoch = Math.max(peer.highestEpoch, epoch);
  }

  /** Seals with the next send counter of the session's key pair; the counter moves only when `seal` succeeded, so nonces never repeat. */
  sealNext<T>(session: Session, seal: (sendKey: Uint8Array, counter: number) => T): T {
    const counter = session.counters.sendCounter + 1;
    const sealed = seal(session.keys.sendKey, counter);
    session.counters.sendCounter = counter;
    return sealed;
  }

  current(peer: Peer): Session | null {
    return peer.sessions.find((s) => s.graceUntil === null) ?? null;
  }

  /** The session an incoming envelope names: exact (sender key, our key) pair, alive now. */
  find(peer: Peer, senderKeyId: Uint8Array, myKeyId: Uint8Array): Session | null {
    this.prune(peer);
    return peer.sessions.find((s) => ctEqual(s.peerKeyId, senderKeyId) && ctEqual(s.myKeyId, myKeyId)) ?? null;
  }

  /** Our key changed: superseded sessions get a grace period (or none after a revocation of ours). */
  dropMyKey(myKeyId: Uint8Array, peer: Peer): void {
    peer.sessions = peer.sessions.filter((s) => {
      if (!ctEqual(s.myKeyId, myKeyId)) return true;
      this.wipe(s);
      return false;
    });
  }

  /** The peer revoked one of its keys: every session using it is wiped now. */
  revokePeerKey(peer: Peer, keyIdB64: string): void {
    peer.revokedKeyIds.push(keyIdB64);
    if (peer.revokedKeyIds.length > MAX_REVOKED_REMEMBERED) peer.revokedKeyIds.shift();
    peer.sessions = peer.sessions.filter((s) => {
      if (s.peerKeyIdB64 !== keyIdB64) return true;
      this.wipe(s);
      return false;
    });
    if (peer.bundle?.keyId === keyIdB64) peer.bundle = null;
  }

  prune(peer: Peer): void {
    const t = this.now();
    peer.sessions = peer.sessions.filter((s) => {
      if (s.graceUntil === null || s.graceUntil >= t) return true;
      this.wipe(s);
      return false;
    });
  }

  pruneAll(): void {
    for (const p of this.peers.values()) this.prune(p);
  }

  private wipe(s: Session): void {
    wipeSessionKeys(s.keys);
  }

  /** Wipes the peer's sessions but remembers its epoch and seen keys until the room is left (revocations persist beyond). */
  close(roomId: string, identityKey: string): boolean {
    const peer = this.get(roomId, identityKey);
    if (!peer) return false;
    for (const s of peer.sessions) this.wipe(s);
    peer.sessions = [];
    peer.bundle = null;
    return true;
  }

  leave(roomId: string): void {
    for (const p of this.peersIn(roomId)) {
      this.close(roomId, p.identityKeyB64);
      this.peers.delete(PeerSessions.key(roomId, p.identityKeyB64));
    }
  }

  dispose(): void {
    for (const roomId of new Set([...this.peers.values()].map((p) => p.roomId))) this.leave(roomId);
  }
}
