// The room controller: join and re-join, members' sessions, mesh, SFU, chat and files wiring (our key's lifecycle: room-keys.ts).
import type { WireKeyBundle } from '../../../protocol/keys';
import type { WireLinkBinding } from '../../../protocol/link';
import type { JoinResult, Member, PeerSignal } from '../../../protocol/signaling';
import type { RoomPath } from '../../../protocol/sfu';
import { JOIN_CHALLENGE_TTL_MS } from '../../../protocol/join-proof';
import { displayNameOrPlaceholder } from '../../../protocol/names';
import { ConnectFailure, probeServer } from '../lib/join-errors';
import { knownOrAskMediaServer } from '../lib/media-servers';
import { isolate } from '../lib/shown-names';
import { load } from '../lib/storage';
import { errorText, unwrap } from '../lib/veil';
import { SignalingClient } from '../net/signaling';
import { getLocalMedia, listDevices, makeCertificate } from '../rtc/media';
import { Mesh } from '../rtc/mesh';
import { buildRtcConfiguration } from '../rtc/ice-policy';
import { PathPacer } from './path-pacer';
import { SfuController } from './sfu-controller';
import { SfuKeys } from './sfu-keys';
import { bindMeshToStore, meshView } from './mesh-store';
import type { AppStore } from '../store';
import { Chat } from './chat';
import { FilesController } from './files/controller';
import { FilePortClient } from './files/file-port';
import { HeldNotices } from './held-notices';
import { decodeNoticeFrame, NoticeApplier } from './notices';
import { RoomKeys } from './room-keys';

/** A join challenge asked for as the connection opened, while start-up was still under way. */
interface EarlyChallenge { value: Promise<string>; askedAt: number }
/** An early challenge older than this is not used (the server keeps one JOIN_CHALLENGE_TTL_MS): a fresh one is asked for. */
export const EARLY_CHALLENGE_MAX_AGE_MS = JOIN_CHALLENGE_TTL_MS / 2;

/** `password` and `token` are what the server may ask for; neither is ever saved. */
export interface JoinParams { displayName: string; serverUrl: string; roomId: string; password?: string; token?: string }

export class Room {
  mesh: Mesh | null = null;
  readonly chat: Chat;
  readonly files: FilesController;
  /** The call's media through the room's Janus when the server says `sfu` (chat and files stay on the mesh). */
  readonly sfu: SfuController;
  private readonly notices: NoticeApplier;
  private readonly held: HeldNotices;
  /** The room's path, applied one at a time and paced (a server that keeps moving the room cannot make us start call after call). */
  private readonly paths: PathPacer;
  private signaling: SignalingClient | null = null;
  private readonly keys: RoomKeys;
  private left = false;
  /** "Always relay my calls", read from main at start; links made later follow `setAlwaysRelay`. */
  private alwaysRelay = false;
  screenTrack: MediaStreamTrack | null = null;

  constructor(private readonly store: AppStore, readonly params: JoinParams) {
    this.sfu = new SfuController({
      store,
      startKeys: (selfId) => SfuKeys.start({
        store, roomId: params.roomId,
        send: (to, blob) => this.signaling ? this.signaling.request('media:key', { to, blob }) : Promise.reject(new Error('signaling is down')),
        sendOrigin: (blob) => this.signaling ? this.signaling.request('media:origin', { blob }) : Promise.reject(new Error('signaling is down'))
      }, selfId),
      rtc: () => buildRtcConfiguration({ iceServers: this.iceServers(), certificate: null, alwaysRelay: this.alwaysRelay }),
      outgoingStream: () => this.outgoingStream(),
      refreshPath: async () => {
        if (!this.signaling) throw new Error('signaling is down');
        const path = await this.signaling.request('sfu:token', {});
        // The refresh may be what found the room back on the mesh (the server then tells only the others).
        if (path.path === 'mesh') this.applyPath(path);
        return path;
      },
      allowMediaServer: (url) => knownOrAskMediaServer(params.serverUrl, url)
    });
    this.paths = new PathPacer({
      apply: async (path) => {
        void this.mesh?.setMediaEnabled(path?.path !== 'sfu');
        await this.sfu.apply(path);
      },
      held: (ms) => this.s.pushAlert(`The server keeps moving this call to and from its media server; the call stays on direct links for ${Math.ceil(ms / 1000)} s.`),
      failed: (err) => this.s.pushAlert(`The SFU call did not start: ${errorText(err)}`)
    });
    this.chat = new Chat(store, params.roomId, () => this.mesh);
    this.notices = new NoticeApplier(store);
    this.keys = new RoomKeys({ store, roomId: params.roomId, mesh: () => this.mesh, signaling: () => this.signaling });
    this.held = new HeldNotices({ store, roomId: params.roomId, now: () => Date.now(),
      emit: (to, notice) => this.signaling?.socket.emit('trust:held', { to, notice }, () => {}) });
    // The port to main connects on first use, so a room without file transfers never opens it.
    this.files = new FilesController({
      store, roomId: params.roomId, port: new FilePortClient(),
      sendControl: (identityKey, msg) => this.chat.sendControl(identityKey, msg),
      channel: (identityKey) => this.mesh?.fileChannel(identityKey) ?? null,
      now: () => Date.now()
    }, (identityKey) => this.mesh?.isReady(identityKey) ?? false);
    this.chat.onFileControl = (identityKey, control) => void this.files.onControl(identityKey, control);
    this.chat.group = {
      active: () => this.sfu.active,
      send: (blob) => this.signaling ? this.signaling.request('chat:group', { blob }) : Promise.reject(new Error('signaling is down')),
      open: (from, blob) => this.sfu.openGroupChat(from, blob)
    };
  }

  private get s() { return this.store.getState(); }
  private iceServers(): RTCIceServer[] { return load<RTCIceServer[] | null>('veil.iceServers', null) ?? this.s.iceServers; }

  async start(): Promise<void> {
    const { roomId, serverUrl, displayName } = this.params;
    // Shown (and covered by the room code) in the form every receiver normalizes it to.
    this.s.setSession({ phase: 'joining', error: null, roomId, serverUrl, displayName: displayNameOrPlaceholder(displayName), signaling: 'connecting' });
    // The signaling connection (WebSocket and socket.io handshake, and the join challenge) opens while main makes the
    // room key and the devices start; the join itself waits for `setup` (it carries the bundle, and the mesh must
    // exist before any member or signal can arrive).
    const setup = this.setUp();
    const connected = this.connectSignaling(setup);
    // Handled here for now (a refused connection may come first), awaited below once setup is done.
    connected.catch(() => {});
    try {
      await setup;
    } catch (err) {
      // No join will follow: the connection closes now rather than time out on its own (the leave that follows skips it).
      this.signaling?.close();
      this.signaling = null;
      throw err;
    }
    await connected;
    await this.keys.startTimer();
  }

  /** Everything the join needs before it is sent: identity, room key, settings, certificate, devices, the mesh. */
  private async setUp(): Promise<void> {
    const { roomId } = this.params;
    // Independent start-up steps run together: each is a round trip to main or to the devices.
    const media = getLocalMedia(this.s.audioDeviceId, this.s.videoDeviceId)
      // The device list (for the settings menus) follows on its own: the join need not wait for it.
      .then((stream) => {
        this.s.setMedia({ localStream: stream, mediaError: null });
        void listDevices().then((devices) => this.s.setMedia({ devices }), () => {});
      })
      .catch((err: unknown) => this.s.setMedia({ mediaError: `No camera or microphone: ${errorText(err)}` }));
    const [identity, myKey, settings, { certificate, fingerprint }] = await Promise.all([
      unwrap(window.veil.identity.get()), unwrap(window.veil.keys.create(roomId)), unwrap(window.veil.settings.get()), makeCertificate()
      // Media settles first even on failure, so the leave that follows stops a camera opened meanwhile.
    ]).finally(() => media);
    // Unknown means no call: a failed read must not fall back to direct connections.
    this.alwaysRelay = settings.alwaysRelay;
    this.s.setSession({ identity, myKey, myDtls: fingerprint });
    this.mesh = new Mesh({
      view: meshView(this.store), roomId, certificate,
      selfId: () => this.s.selfId,
      iceServers: () => this.iceServers(),
      alwaysRelay: () => this.alwaysRelay,
      // Whether links send it follows the room's path (`applyPath`).
      localStream: () => this.s.localStream,
      screenTrack: () => this.screenTrack,
      bind: (identityKey, role, localFp, remoteFp, digest) => unwrap(window.veil.link.bind(roomId, identityKey, role, localFp, remoteFp, digest)),
      verify: async (identityKey, binding, remoteFp, localFp, digest) => {
        await unwrap(window.veil.link.verify(roomId, identityKey, binding, remoteFp, localFp, digest));
      },
      sendSignal: (to, signal, binding) => this.relay(to, signal, binding, 0),
      onData: (identityKey, bytes) => {
        const frame = decodeNoticeFrame(bytes);
        if (frame) void this.notices.frame(frame);
        else void this.chat.receive(identityKey, bytes);
      },
      onAuthenticated: (identityKey) => {
        this.s.setHeldBy(identityKey, null);
        void this.chat.flushHeld(identityKey);
        this.files.onLinkUp(identityKey);
        void this.announceMedia(identityKey);
      },
      onFileFrame: (identityKey, bytes) => this.files.onFileFrame(identityKey, bytes),
      onLinkDown: (identityKey) => this.files.onLinkDown(identityKey)
    });
    bindMeshToStore(this.mesh, this.store);
    this.mesh.events.on('peer-gone', (identityKey) => this.forgetHeld(identityKey));
  }

  /** Connects now; every (re)connection asks for its join challenge at once and joins once `ready` (start-up) is done. */
  private connectSignaling(ready: Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      let first = true;
      const sig = new SignalingClient(this.params.serverUrl, {
        onConnect: () => {
          this.s.setSession({ signaling: 'connecting' });
          const challenge = this.askChallenge(sig);
          ready.then(() => this.join(challenge)).then(() => { if (first) { first = false; resolve(); } }, (err: unknown) => {
            if (first) { first = false; reject(err); } else this.s.pushAlert(`Re-join failed: ${errorText(err)}`);
          });
        },
        onDisconnect: () => { if (!this.left) this.s.setSession({ signaling: 'reconnecting' }); },
        onInvalid: (what) => { if (this.s.countInvalidEvent(what)) this.s.pushAlert(`Dropped a malformed "${what}" from the signaling server`); }
      });
      sig.socket.on('connect_error', (err) => {
        if (!first) return;
        first = false;
        sig.close();
        // The browser hides why a websocket failed; one plain HTTP probe tells "nothing there" from "something else there".
        const cause = err.message;
        if (cause === 'timeout') reject(new ConnectFailure(cause, 'skipped'));
        else void probeServer(this.params.serverUrl).then((probe) => reject(new ConnectFailure(cause, probe)));
      });
      this.signaling = sig;
      this.wire(sig);
    });
  }

  /** Every handler sees only payloads that passed the strict server-event schemas (SignalingClient.on). */
  private wire(sig: SignalingClient): void {
    sig.on('room:joined', ({ member }) => void this.addMember(member));
    sig.on('room:left', ({ peerId }) => this.memberLeft(peerId));
    sig.on('room:evicted', ({ roomId }) => {
      if (roomId === this.params.roomId) this.s.pushAlert('You joined this room again from another window or device, so the server moved you there: this window gets no new members or signals.');
    });
    sig.on('room:path', (path) => this.applyPath(path));
    sig.on('media:key', ({ from, blob }) => this.sfu.onMediaKey(from, blob));
    sig.on('media:origin', ({ from, blob }) => this.sfu.onFrameOrigin(from, blob));
    sig.on('chat:group', ({ from, blob }) => void this.chat.receiveGroup(from, blob));
    sig.on('signal:relay', ({ from, signal, binding }) => this.mesh?.onSignal(from, signal, binding));
    sig.on('keys:published', ({ from, bundle }) => {
      const p = this.byRoute(from);
      if (p) void this.openSession(from, p.displayName, bundle);
    });
    sig.on('trust:held', ({ from, notice }) => void this.held.receive(from, notice));
    sig.on('keys:rotated', ({ notice }) => void this.notices.rotation(notice, 'server'));
    sig.on('keys:revoked', ({ notice }) => void this.notices.revocation(notice, 'server'));
  }

  /** Relays one signal; a rate-limited relay is retried a few times with backoff rather than lost. */
  private relay(to: string, signal: PeerSignal, binding: WireLinkBinding, attempt: number): void {
    this.signaling?.socket.emit('signal:relay', { to, signal, binding }, (res) => {
      if (res && !res.ok && res.error?.code === 'rate-limited' && attempt < 5 && !this.left) {
        setTimeout(() => this.relay(to, signal, binding, attempt + 1), 250 * 2 ** attempt);
      }
    });
  }

  /**
   * The one place media follows the room's path: on `sfu` the mesh links stop sending media (chat and files stay) and
   * the SFU call starts; on `mesh` the links send our tracks again and the SFU call stops.
   */
  private applyPath(path: RoomPath | undefined): void {
    void this.paths.offer(path);
  }

  private byRoute(peerId: string) {
    return Object.values(this.s.peers).find((p) => p.peerId === peerId);
  }

  /** Asks for this connection's join challenge right away (it is single-use and replaced by any later request). */
  private askChallenge(sig: SignalingClient): EarlyChallenge {
    const value = sig.request('room:challenge', {}).then((r) => r.challenge);
    value.catch(() => {});
    return { value, askedAt: Date.now() };
  }

  /** (Re)join: the bundle travels with the join; members we still talk to peer-to-peer keep their links. */
  private async join(early?: EarlyChallenge): Promise<void> {
    const sig = this.signaling;
    if (!sig) return;
    // The first join uses the key start() just made; a re-join reads it again (a rotation may have changed it).
    const fresh = this.s.selfId === null ? this.s.myKey : null;
    const key = fresh ?? await unwrap(window.veil.keys.get(this.params.roomId)).catch(() => unwrap(window.veil.keys.create(this.params.roomId)));
    // The join proves we hold the identity key: main signs the server's fresh challenge, bound to room, origin and key.
    // The one asked for on connect, unless start-up took so long that it might expire before the server sees the proof.
    const usable = early && Date.now() - early.askedAt < EARLY_CHALLENGE_MAX_AGE_MS ? await early.value.catch(() => null) : null;
    const challenge = usable ?? (await sig.request('room:challenge', {})).challenge;
    const origin = new URL(this.params.serverUrl).origin;
    const { proof } = await unwrap(window.veil.identity.proveJoin(challenge, this.params.roomId, origin, key.keyId));
    const res: JoinResult = await sig.request('room:join', {
      roomId: this.params.roomId, displayName: this.params.displayName, bundle: key.bundle, origin, proof,
      ...(this.params.password ? { password: this.params.password } : {}),
      ...(this.params.token ? { token: this.params.token } : {})
    });
    const again = this.s.selfId !== null;
    this.s.setSession({ selfId: res.selfId, iceServers: res.iceServers, myKey: key, signaling: 'online' });
    // The SFU call starts while the members' sessions open: it shows and keys only members whose session is open, and
    // follows the store as each one opens, so the Janus connection and our publisher need not wait for them.
    this.applyPath(res.path);
    // The spare connection follows the ICE servers this join handed us (a no-op when they are the ones it was made with).
    this.mesh?.prewarm();
    await Promise.all(res.members.map((m) => this.addMember(m)));
    // The call view mounts once the members' sessions are open and our offers are under way: that first render is the
    // page's longest task of a join, and a session:open answer or an offer queued behind it would wait for all of it.
    if (this.s.phase !== 'call') this.s.setSession({ phase: 'call' });
    // After a re-join, publish the bundle again so the (possibly restarted) key directory serves it to newcomers.
    if (again) await sig.request('keys:publish', { bundle: key.bundle }).catch(() => {});
  }

  private async addMember(member: Member): Promise<void> {
    if (member.bundle.identityKey === this.s.identity?.identityKey) return;
    await this.openSession(member.peerId, member.displayName, member.bundle);
  }

  private async openSession(peerId: string, displayName: string, bundle: WireKeyBundle): Promise<void> {
    const prev = this.s.peers[bundle.identityKey];
    if (prev && prev.sessionOpen && prev.keyId === bundle.keyId) {
      // Same identity and key re-joining (after a reconnect): just update the route.
      this.s.upsertPeer(bundle.identityKey, { peerId, present: true });
      void this.held.announce(bundle.identityKey);
    } else {
      try {
        const info = await unwrap(window.veil.session.open(bundle, displayName));
        this.s.upsertPeer(info.peerIdentityKey, {
          peerId, displayName: info.displayName, fingerprint: info.fingerprint, trust: info.trust, claims: info.claims,
          epoch: info.peerEpoch, keyId: info.peerKeyId, sessionOpen: true, present: true
        });
        if (info.trust === 'changed' || info.trust === 'lookalike') {
          this.s.addKeyChange(info.peerIdentityKey);
          void this.held.announce(info.peerIdentityKey);
        }
      } catch (err) {
        this.s.pushAlert(`Refused key bundle announced for ${isolate(displayNameOrPlaceholder(displayName))}: ${errorText(err)}`);
        return;
      }
    }
    this.mesh?.flush(peerId);
    this.mesh?.ensure(bundle.identityKey);
  }

  private memberLeft(peerId: string): void {
    const p = this.byRoute(peerId);
    if (!p) return;
    // Still connected peer to peer? Keep the call; the link closing removes the peer.
    if (this.mesh?.isReady(p.identityKey)) {
      this.s.upsertPeer(p.identityKey, { present: false });
      return;
    }
    this.mesh?.drop(p.identityKey);
    this.forgetHeld(p.identityKey);
    this.s.removePeer(p.identityKey);
    void window.veil.session.close(this.params.roomId, p.identityKey);
  }

  /** A member gone for good: what waited for it will not go, and its notice no longer holds. */
  private forgetHeld(identityKey: string): void {
    this.chat.dropHeld(identityKey, 'not delivered: they left the call');
    this.s.setHeldBy(identityKey, null);
  }

  async restartRotationTimer(): Promise<void> {
    await this.keys.startTimer();
  }

  /** Our mic / camera / screen state to one peer (a link just came up) or to everyone (a toggle): drives their tile of us. */
  announceMedia(only?: string): Promise<void> {
    const s = this.s;
    const stream = s.localStream;
    const live = (kind: 'audio' | 'video') => stream?.getTracks().some((t) => t.kind === kind && t.readyState !== 'ended') ?? false;
    return this.chat.sendMediaState({ mic: live('audio') && !s.muted, cam: live('video') && !s.cameraOff, screen: s.sharing }, only);
  }

  /** Links made from now on follow it; a link already up keeps its path (leave and join again to apply it to everyone). */
  setAlwaysRelay(on: boolean): void {
    this.alwaysRelay = on;
    this.mesh?.prewarm();
  }

  rotate(): Promise<void> { return this.keys.rotate(); }

  revoke(): Promise<void> { return this.keys.revoke(); }

  /** The microphone and either the camera or, while sharing, the screen: what every path sends. */
  outgoingStream(): MediaStream | null {
    const local = this.s.localStream;
    if (!this.screenTrack) return local;
    return new MediaStream([...(local?.getAudioTracks() ?? []), this.screenTrack]);
  }

  /** Sends another track of one kind on every path at once: each mesh link and the SFU publisher. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await Promise.all([this.mesh?.replaceTrack(kind, track), this.sfu.replaceTrack(kind, track)]);
  }

  async leave(): Promise<void> {
    this.left = true;
    this.keys.stopTimer();
    try { await this.signaling?.request('room:leave', {}, 2000); } catch { /* leaving anyway */ }
    this.signaling?.close();
    this.paths.close();
    this.mesh?.stop();
    await this.sfu.close();
    await this.files.stop().catch(() => {});
    await window.veil.room.leave(this.params.roomId).catch(() => {});
    this.s.localStream?.getTracks().forEach((t) => t.stop());
    this.screenTrack?.stop();
    this.chat.outbox.clear();
    this.s.clearPeers();
    this.s.clearChat();
    this.s.setMedia({ localStream: null, sharing: false });
    this.s.setSession({ phase: 'lobby', selfId: null, signaling: 'offline', myKey: null, myDtls: null, alerts: [] });
  }

  /** For tests and diagnostics: the socket id-less view of the link. */
  get signalingConnected(): boolean {
    return this.signaling?.connected ?? false;
  }
}
