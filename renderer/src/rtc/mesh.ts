// The call mesh: one PeerLink per remote identity, deterministic initiator, buffered early signals, retries, trust gate; reports through events.
import type { WireLinkBinding } from '../../../protocol/link';
import type { PeerSignal } from '../../../protocol/signaling';
import type { PeerEntry } from '../store/peers-slice';
import { EarlySignals } from './early-signals';
import { Emitter } from './events';
import type { LinkPatch, MeshDeps, MeshEvents } from './mesh-types';
import type { FileChannel } from './file-channel';
import { allFingerprints } from './fingerprint';
import { buildRtcConfiguration } from './ice-policy';
import { CONNECT_TIMEOUT_MS, NOT_IN_TIME, PeerLink } from './peer-link';
import { errorText } from '../lib/veil';
import { MEDIA_KINDS, type MediaKind } from './transceivers';
import { MeshMedia } from './mesh-media';
import { SpareConnection } from './spare-connection';

export type { LinkPatch, MeshDeps, MeshEvents, MeshView } from './mesh-types';

const RETRY_MS = 1500;
/** Links of our own offering that may time out unproven before the peer is shown as refused: a loaded machine
 *  (a large call on 2 cores) can miss one step's deadline, and without another offer those two never talk. */
export const TIMEOUT_RETRIES = 2;
/** Last resort against offer floods: links an offer may create per peer per minute. */
export const MAX_OFFER_LINKS_PER_MINUTE = 3;
const OFFER_WINDOW_MS = 60_000;
export const DROPPED_REFUSED = 'dropped: offer from a refused peer (press Try again)';
export const DROPPED_BUSY = 'dropped: offer while another is being verified';
export const DROPPED_FLOOD = 'dropped: too many offers from this peer';
/** An answer reaching a fresh link of ours before its offer left: a late answer to the link it replaced (or forged). */
export const DROPPED_EARLY_ANSWER = 'dropped: answer before our offer (a late answer to an earlier link?)';
export const DROPPED_OTHER_OFFER_ANSWER = 'dropped: answer to another offer (a late or replayed answer to an earlier link?)';
export const PENDING_TRUST_REASON = 'pending-trust: this identity key changed; accept or refuse the change to connect';

/** A peer whose identity key change awaits a decision gets no link at all: no offer, no answer, no media. */
export function trustBlocks(p: PeerEntry, pendingChanges: readonly string[]): boolean {
  return p.trust === 'changed' || p.trust === 'lookalike' || pendingChanges.includes(p.identityKey);
}

export class Mesh {
  readonly links = new Map<string, PeerLink>();
  private early = new EarlySignals(CONNECT_TIMEOUT_MS);
  private retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Peer key id (session) whose link was refused for a security reason: its offers are dropped until "Try again" or a new session. A link that only timed out is not here. */
  private refusedSessions = new Map<string, string>();
  /** Offers for a proven link being checked in main before they may replace it. */
  private checking = new Set<string>();
  private offerLinkTimes = new Map<string, number[]>();
  /** An offer we set aside in a glare (our own offer had precedence): answered if ours is not proven in time. */
  private glareOffers = new Map<string, { signal: PeerSignal; binding: WireLinkBinding; at: number }>();
  /** Attempts of our own left after a trust decision, should the first link not be proven in time. */
  private settleRetries = new Map<string, number>();
  /** Our own links to a peer that timed out unproven since its last proven one (bounded by TIMEOUT_RETRIES). */
  private timeouts = new Map<string, number>();
  private stopped = false;
  readonly events = new Emitter<MeshEvents>();
  private readonly media: MeshMedia;

  /** A connection gathering ICE ahead of the next link (its offer then need not wait ~120 ms for gathering). */
  private readonly spare: SpareConnection;

  constructor(private readonly d: MeshDeps) {
    this.media = new MeshMedia(() => d.localStream(), () => d.screenTrack());
    this.spare = new SpareConnection(() => this.rtcConfig(), d.spareDeps);
    this.spare.warm();
  }

  private rtcConfig(): RTCConfiguration {
    return buildRtcConfiguration({ iceServers: this.d.iceServers(), certificate: this.d.certificate, alwaysRelay: this.d.alwaysRelay?.() ?? false });
  }

  /** The ICE servers or relay setting may have changed (the join's answer): the spare follows them. */
  prewarm(): void {
    if (!this.stopped) this.spare.warm();
  }

  private peerByRoute(peerId: string) {
    return Object.values(this.d.view.peers()).find((p) => p.peerId === peerId);
  }

  /** The smaller peerId offers; both sides compute the same answer. */
  isInitiator(remotePeerId: string): boolean {
    const self = this.d.selfId();
    return self !== null && self < remotePeerId;
  }

  private blocked(p: PeerEntry): boolean {
    if (!trustBlocks(p, this.d.view.keyChanges())) return false;
    if (p.conn !== 'pending-trust') this.events.emit('peer-changed', p.identityKey, { conn: 'pending-trust', reason: PENDING_TRUST_REASON });
    return true;
  }

  /** Called when both sides are known to be in the room with open sessions: the initiator starts the link. */
  ensure(identityKey: string): void {
    if (this.stopped || this.links.has(identityKey)) return;
    const p = this.d.view.peers()[identityKey];
    if (!p || !p.sessionOpen || p.conn === 'refused' || this.blocked(p)) return;
    if (this.isInitiator(p.peerId)) this.create(identityKey, true);
    else if (p.conn === 'pending-trust') this.events.emit('peer-changed', identityKey, { conn: 'connecting', reason: undefined });
    this.flush(p.peerId);
  }

  /**
   * The user decided about this peer's key (accepted it, or "a different person"): retry from our end whatever gave up
   * while the decision was pending. A timeout is not a security refusal; a refusal for a security reason stays.
   * The other end answers our offer (its own timeout did not make it refuse us), so the link comes up from both ends.
   */
  settle(identityKey: string): void {
    const p = this.d.view.peers()[identityKey];
    if (this.stopped || !p || !p.sessionOpen || this.blocked(p)) return;
    if (this.refusedSessions.get(identityKey) === p.keyId) return;
    this.early.dropStale(p.peerId);
    // One more attempt of our own if the first one is not proven in time (it may have answered an offer that just died).
    this.settleRetries.set(identityKey, 1);
    if (this.links.has(identityKey)) return this.flush(p.peerId);
    // Their offer is recent enough that its link will outlive our answer, and they offer naturally: answering it is the retry.
    if (!this.isInitiator(p.peerId) && this.early.hasOfferYoungerThan(p.peerId, CONNECT_TIMEOUT_MS / 2)) {
      this.events.emit('peer-changed', identityKey, { conn: 'connecting', reason: undefined });
      return this.flush(p.peerId);
    }
    this.early.take(p.peerId);
    clearTimeout(this.retryTimers.get(identityKey));
    this.offerLinkTimes.delete(identityKey);
    this.create(identityKey, true);
  }

  /** "Try again" on a refused tile: a fresh link; the non-initiator offers too (the natural initiator's offer wins a glare). */
  retry(identityKey: string): void {
    const p = this.d.view.peers()[identityKey];
    if (this.stopped || !p || !p.sessionOpen || this.blocked(p)) return;
    clearTimeout(this.retryTimers.get(identityKey));
    this.refusedSessions.delete(identityKey);
    this.offerLinkTimes.delete(identityKey);
    this.events.emit('peer-changed', identityKey, { conn: 'connecting', reason: undefined });
    this.create(identityKey, true);
  }

  private create(identityKey: string, initiator: boolean): PeerLink {
    const old = this.links.get(identityKey);
    old?.destroySilently();
    if (old) this.d.onLinkDown(identityKey);
    const { view } = this.d;
    const config = this.rtcConfig();
    const upsert = (patch: LinkPatch) => {
      if (this.links.get(identityKey) === link) this.events.emit('peer-changed', identityKey, patch);
    };
    const link: PeerLink = new PeerLink(initiator, {
      initiator,
      localTracks: () => this.media.tracks(),
      config,
      // The link's own configuration (simple-peer adds its defaults, e.g. `sdpSemantics`, to the one it passes).
      makePc: () => this.spare.take(config),
      bind: (role, localFp, remoteFp, digest) => this.d.bind(identityKey, role, localFp, remoteFp, digest),
      verify: (binding, remoteFp, localFp, digest) => this.d.verify(identityKey, binding, remoteFp, localFp, digest),
      send: (signal, binding) => {
        const peerId = view.peers()[identityKey]?.peerId;
        if (peerId) this.d.sendSignal(peerId, signal, binding);
      },
      onState: (conn) => upsert({ conn, reason: undefined }),
      onAuthenticated: (fp) => {
        this.settleRetries.delete(identityKey);
        this.timeouts.delete(identityKey);
        this.glareOffers.delete(identityKey);
        upsert({ dtls: fp, dtlsLive: true });
        this.d.onAuthenticated(identityKey);
        this.adaptQuality();
      },
      onStream: (stream) => upsert({ stream }),
      onData: (bytes) => this.d.onData(identityKey, bytes),
      onFileFrame: (bytes) => { if (this.links.get(identityKey) === link) this.d.onFileFrame(identityKey, bytes); },
      onClose: (reason, refused) => {
        if (this.links.get(identityKey) !== link) return;
        this.links.delete(identityKey);
        this.d.onLinkDown(identityKey);
        const p = view.peers()[identityKey];
        if (!p) return;
        const glare = this.glareOffers.get(identityKey);
        this.glareOffers.delete(identityKey);
        // Our offer went unanswered, theirs was set aside for it (the other side decided late): answer theirs while it lives.
        if (refused && reason === NOT_IN_TIME && glare && Date.now() - glare.at < CONNECT_TIMEOUT_MS / 2 && p.present && !this.stopped) {
          this.onSignal(p.peerId, glare.signal, glare.binding);
          if (this.links.has(identityKey)) return;
        }
        const settleRetry = this.settleRetries.get(identityKey) ?? 0;
        if (refused && reason === NOT_IN_TIME && settleRetry > 0 && p.present && !this.stopped && !this.blocked(p)) {
          this.settleRetries.set(identityKey, settleRetry - 1);
          this.create(identityKey, true);
          return;
        }
        const timeouts = this.timeouts.get(identityKey) ?? 0;
        if (refused && reason === NOT_IN_TIME && timeouts < TIMEOUT_RETRIES && this.isInitiator(p.peerId) && p.present
          && !this.stopped && !this.blocked(p)) {
          this.timeouts.set(identityKey, timeouts + 1);
          this.events.emit('peer-changed', identityKey, { conn: 'retrying', reason, stream: undefined, dtlsLive: false });
          this.scheduleRetry(identityKey);
          return;
        }
        if (refused) {
          // Not proven in time (the other side may be waiting for its user's decision) is shown like a refusal but does not stick.
          if (reason !== NOT_IN_TIME) this.refusedSessions.set(identityKey, p.keyId);
          this.events.emit('link-refused', identityKey, reason);
        } else if (p.present && !this.stopped) {
          this.events.emit('peer-changed', identityKey, { conn: 'retrying', reason, stream: undefined, dtlsLive: false });
          this.scheduleRetry(identityKey);
        } else {
          this.events.emit('peer-gone', identityKey);
        }
      }
    });
    this.links.set(identityKey, link);
    this.events.emit('peer-changed', identityKey, { conn: 'connecting', reason: undefined });
    if (this.bigMesh()) void link.setVideoQuality(2, 15);
    return link;
  }

  private scheduleRetry(identityKey: string): void {
    clearTimeout(this.retryTimers.get(identityKey));
    this.retryTimers.set(identityKey, setTimeout(() => {
      this.retryTimers.delete(identityKey);
      this.ensure(identityKey);
    }, RETRY_MS));
  }

  /** A relayed signal from `fromPeerId`; buffered if that peer is not known (or its session not open, or its trust pending) yet. */
  onSignal(fromPeerId: string, signal: PeerSignal, binding: WireLinkBinding): void {
    if (this.stopped) return;
    const p = this.peerByRoute(fromPeerId);
    if (!p || !p.sessionOpen || this.blocked(p)) {
      this.early.hold(fromPeerId, signal, binding);
      return;
    }
    let link = this.links.get(p.identityKey);
    if (signal.type === 'offer') {
      if (link && !link.initiator && link.remoteSdp === signal.sdp) return this.refuseStray(p, 'refused: replayed offer');
      // Refusals stick for this session of the peer; a new key (rotation, rejoin) is a new session.
      if (this.refusedSessions.has(p.identityKey)) {
        if (this.refusedSessions.get(p.identityKey) === p.keyId) return this.refuseStray(p, DROPPED_REFUSED);
        this.refusedSessions.delete(p.identityKey);
      }
      // One verification at a time: an unproven answering link (or a check in main) is still in progress.
      if (this.checking.has(p.identityKey) || (link && !link.initiator && !link.isAuthenticated)) return this.refuseStray(p, DROPPED_BUSY);
      // Glare (both offered): the natural initiator keeps its own offer; the other side yields and answers.
      if (link && link.initiator && this.isInitiator(p.peerId)) {
        this.glareOffers.set(p.identityKey, { signal, binding, at: Date.now() });
        return;
      }
      if (!this.allowOfferLink(p.identityKey)) return this.refuseStray(p, DROPPED_FLOOD);
      // A proven link is only replaced by an offer whose binding main verified first.
      if (link?.isAuthenticated) return void this.replaceProven(p, signal, binding);
      link = this.create(p.identityKey, false);
    }
    if (!link) return this.refuseStray(p, `refused: ${signal.type} with no link to answer`);
    // Not applied and not the link's end: after a timeout the new link's offer may still be in main when the answer to
    // the old one arrives, and closing on it would refuse the peer for good.
    if (signal.type === 'answer' && link.initiator && !link.offerSent) return this.refuseStray(p, DROPPED_EARLY_ANSWER);
    // Same rule one link later: an answer naming an offer other than this link's is not its answer (its binding, which
    // commits to that offer, would not verify here either), so it is dropped, not the link's end.
    if (signal.type === 'answer' && link.initiator && signal.offerDigest !== link.sentOfferDigest) return this.refuseStray(p, DROPPED_OTHER_OFFER_ANSWER);
    link.receive(signal, binding);
  }

  private allowOfferLink(identityKey: string): boolean {
    const now = Date.now();
    const recent = (this.offerLinkTimes.get(identityKey) ?? []).filter((t) => now - t < OFFER_WINDOW_MS);
    if (recent.length >= MAX_OFFER_LINKS_PER_MINUTE) return false;
    recent.push(now);
    this.offerLinkTimes.set(identityKey, recent);
    return true;
  }

  /** A renegotiation from an authenticated peer: verified in main before any new link; a failed check refuses the peer. */
  private async replaceProven(p: PeerEntry, signal: PeerSignal, binding: WireLinkBinding): Promise<void> {
    const id = p.identityKey;
    const fps = signal.type === 'offer' ? allFingerprints(signal.sdp) : [];
    this.checking.add(id);
    try {
      if (fps.length !== 1) throw new Error('remote SDP must carry exactly one DTLS fingerprint');
      await this.d.verify(id, binding, fps[0]!, '', '');
    } catch (err) {
      this.checking.delete(id);
      const proven = this.links.get(id);
      if (proven) proven.close(`refused: new offer's link binding rejected (${errorText(err)})`, true);
      return;
    }
    this.checking.delete(id);
    if (this.stopped) return;
    this.create(id, false).receive(signal, binding);
  }

  /** A signal no link asked for: counted and alerted once per reason, never applied. */
  private refuseStray(p: PeerEntry, reason: string): void {
    this.events.emit('signal-refused', p.identityKey, reason);
  }

  flush(peerId: string): void {
    for (const s of this.early.take(peerId)) this.onSignal(peerId, s.signal, s.binding);
  }

  send(identityKey: string, bytes: Uint8Array): void {
    const link = this.links.get(identityKey);
    if (!link) throw new Error('no connection to this peer');
    link.send(bytes);
  }

  /** The authenticated link's file channel, or null while there is none. */
  fileChannel(identityKey: string): FileChannel | null {
    return this.links.get(identityKey)?.files ?? null;
  }

  isReady(identityKey: string): boolean {
    return this.links.get(identityKey)?.isAuthenticated ?? false;
  }

  drop(identityKey: string): void {
    clearTimeout(this.retryTimers.get(identityKey));
    // Gone from the room: if it comes back, its links start with their re-offers again (a join makes a link anyway).
    this.timeouts.delete(identityKey);
    const link = this.links.get(identityKey);
    this.links.delete(identityKey);
    link?.destroySilently();
    if (link) this.d.onLinkDown(identityKey);
  }

  /** Mesh upload grows with every peer: from 4 remote peers on, send half resolution at 15 fps. */
  private bigMesh(): boolean {
    return Math.max(this.links.size, Object.keys(this.d.view.peers()).length) >= 4;
  }

  adaptQuality(): void {
    const big = this.bigMesh();
    for (const l of this.links.values()) if (l.isAuthenticated) void l.setVideoQuality(big ? 2 : 1, big ? 15 : 24);
  }

  /** Swaps the outgoing track on every proven link (not while media is off); unproven links pick the current tracks up once proven. */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (!this.media.isEnabled) return;
    await Promise.all([...this.links.values()].map((l) => l.replaceTrack(kind, track).catch(() => {})));
  }

  /**
   * Media follows the room's path: off while the SFU carries the call (every link's senders go trackless, chat and files
   * go on), on again back on the mesh (our tracks, the screen while sharing). The transceivers were negotiated when
   * each link was made, so this is a track swap on each link, with no new offer or answer to verify.
   */
  async setMediaEnabled(on: boolean): Promise<void> {
    if (!this.media.set(on)) return;
    const tracks = this.media.tracks();
    await Promise.all([...this.links.values()].flatMap((l) => MEDIA_KINDS.map((k) => l.replaceTrack(k, tracks[k]).catch(() => {}))));
  }

  get mediaEnabled(): boolean { return this.media.isEnabled; }

  stop(): void {
    this.stopped = true;
    this.spare.close();
    for (const t of this.retryTimers.values()) clearTimeout(t);
    for (const l of this.links.values()) l.destroySilently();
    this.links.clear();
    this.early.clear();
    this.glareOffers.clear();
  }
}
