// One WebRTC link (simple-peer) to one remote identity: bound offer/answer/confirm, live DTLS check, nothing flows before it is proven.
import SimplePeer from 'simple-peer';
import type { LinkRole, WireLinkBinding } from '../../../protocol/link';
import type { PeerSignal } from '../../../protocol/signaling';
import { errorText } from '../lib/veil';
import { FILES_DATA_CHANNEL } from '../../../protocol/file-limits';
import { createFileDataChannel, wrapFileChannel, type FileChannel } from './file-channel';
import { allFingerprints, fingerprintFromSdp, remoteFingerprintFromStats } from './fingerprint';
import { localSdpForPolicy } from './ice-policy';
import { addEmptyTransceivers, allowSending, mediaSections, MEDIA_KINDS, setOutgoing, type MediaKind } from './transceivers';

export interface PeerLinkOptions {
  initiator: boolean;
  /** Our outgoing tracks by kind (video is the screen while sharing), attached only once the link is proven. */
  localTracks(): Record<MediaKind, MediaStreamTrack | null>;
  config: RTCConfiguration;
  /** The RTCPeerConnection for this link, made with `config` (a warm spare, rtc/spare-connection.ts); default: a new one. */
  makePc?(): RTCPeerConnection;
  /** link:bind in main: our MAC over our fingerprint (in an answer, also the offer's and the offer's digest; in a confirm, both and the answer's digest). */
  bind(role: LinkRole, localFp: string, remoteFp: string, sdpDigest: string): Promise<WireLinkBinding>;
  /** link:verify in main: throws to refuse. */
  verify(binding: WireLinkBinding, remoteFp: string, localFp: string, sdpDigest: string): Promise<void>;
  send(signal: PeerSignal, binding: WireLinkBinding): void;
  onState(state: 'connecting' | 'connected'): void;
  /** The live transport showed the bound certificate and the data channel is open: chat and files may flow. */
  onAuthenticated(fingerprint: string): void;
  /** The remote media, only after the transport is proven. */
  onStream(stream: MediaStream): void;
  onData(bytes: Uint8Array): void;
  /** A chunk frame from the negotiated `veil-files` channel (only after authentication, like `onData`). */
  onFileFrame(bytes: Uint8Array): void;
  /** The link is gone: `refused` when authentication failed (never retried automatically). */
  onClose(reason: string, refused: boolean): void;
}

const LIVE_CHECK_TRIES = 80;
const MAX_HELD_DATA = 64;
/** File frames that arrive before authentication are held (bounded: the sender only streams after an accept). */
const MAX_HELD_FILE_FRAMES = 32;
/**
 * A link that takes no step towards authentication for this long is refused (the user may try again). A step is our own
 * offer, answer or confirm leaving, a remote description whose binding main verified being applied, the transport
 * connecting, the live certificate matching, or the confirm verifying: a lying server or network can stall a link but
 * cannot make one step, while a busy machine takes each step late rather than never.
 */
export const CONNECT_TIMEOUT_MS = 20_000;
/** However it progresses, a link not authenticated this long after it was made is refused: nobody holds one open for ever. */
export const CONNECT_CAP_MS = 60_000;
export const NOT_IN_TIME = 'refused: not authenticated in time';

/** b64u SHA-256 of an SDP string's UTF-8 bytes: what an answer (the offer's) and a confirm (the answer's) bind (docs/PROTOCOL.md §8). */
export async function sdpDigest(sdp: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(sdp)));
  let bin = '';
  for (const b of d) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** simple-peer's `wrtc`: the browser's WebRTC, except that the link's connection comes from `makePc` (simple-peer calls it with `new`, and its config). */
function withConnection(makePc: () => RTCPeerConnection): SimplePeer.Options['wrtc'] {
  function Connection(): RTCPeerConnection { return makePc(); }
  const g = globalThis as unknown as { RTCSessionDescription: typeof RTCSessionDescription; RTCIceCandidate: typeof RTCIceCandidate };
  return { RTCPeerConnection: Connection as unknown as typeof RTCPeerConnection, RTCSessionDescription: g.RTCSessionDescription, RTCIceCandidate: g.RTCIceCandidate };
}

export class PeerLink {
  readonly peer: SimplePeer.Instance;
  private outChain: Promise<void> = Promise.resolve();
  private inChain: Promise<void> = Promise.resolve();
  private localFp: string | null = null;
  /** The remote fingerprint whose binding verified: the live transport must show exactly this one. */
  private boundRemoteFp: string | null = null;
  private proven = false;
  /** The live transport showed the bound certificate (the answerer still waits for the confirm). */
  private liveMatched = false;
  /** Answerer: digest of the answer we sent; the confirm must bind exactly this. */
  private sentAnswerDigest: string | null = null;
  /** Answerer: digest of the offer we verified, which our answer names and binds. */
  private receivedOfferDigest: string | null = null;
  /** Initiator: digest of the offer we sent; only an answer bound to exactly this one is applied. */
  sentOfferDigest: string | null = null;
  private confirmed = false;
  private channelOpen = false;
  private ready = false;
  private liveCheck: Promise<void> | null = null;
  private remoteStream: MediaStream | null = null;
  private held: Uint8Array[] = [];
  private heldFiles: Uint8Array[] = [];
  private readonly fileChannel: FileChannel | null;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly createdAt = Date.now();
  gotRemoteDescription = false;
  /** The remote SDP that was applied, so the mesh can drop a replay of it. */
  remoteSdp: string | null = null;

  constructor(readonly initiator: boolean, private readonly o: PeerLinkOptions) {
    // No `stream`: a local track only ever goes onto a proven link (see `onProven`).
    this.peer = new SimplePeer({ initiator: o.initiator, config: o.config, trickle: false, ...(o.makePc ? { wrtc: withConnection(o.makePc) } : {}) });
    const pc = this.pc;
    if (pc) {
      if (o.initiator) addEmptyTransceivers(pc);
      pc.addEventListener('track', (e: RTCTrackEvent) => this.onRemoteTrack(e));
      pc.addEventListener('connectionstatechange', () => this.onConnectionState());
    }
    // Created on every link by both sides before the first offer, so it rides in the same SCTP association.
    const fileDc = pc ? createFileDataChannel(pc) : null;
    this.fileChannel = fileDc ? wrapFileChannel(fileDc) : null;
    fileDc?.addEventListener('message', (e: MessageEvent<ArrayBuffer | Uint8Array>) => this.receiveFileFrame(e.data));
    this.peer.on('signal', (s: SimplePeer.SignalData) => this.queueOut(s as unknown as { type?: string; sdp?: string }));
    if (pc) this.watchChatChannel(pc);
    this.peer.on('connect', () => this.onChannelOpen());
    this.peer.on('data', (d: Uint8Array) => this.receiveData(new Uint8Array(d)));
    this.peer.on('error', (err: Error & { code?: string }) => this.close(`connection error: ${err.code ?? err.message}`, false));
    this.peer.on('close', () => this.close('connection closed', false));
    if (o.initiator) this.offerNow();
    this.stepped();
  }

  /**
   * The initiator's first offer is created now, with the transceivers and channels above in place: simple-peer would
   * create it from a `setTimeout(0)`, which runs only after whatever the page queued meanwhile (the renders of the
   * store update that made this link, tens of ms on a busy page). Its own first call is then skipped, later ones
   * (renegotiations) go through; without that method (another simple-peer) its own timer stays in charge.
   */
  private offerNow(): void {
    const sp = this.peer as unknown as { _createOffer?: () => void };
    // No connection (simple-peer could not make one and is closing the link): nothing to offer.
    if (typeof sp._createOffer !== 'function' || !this.pc) return;
    const create = sp._createOffer.bind(sp);
    let skipNext = true;
    sp._createOffer = () => {
      if (skipNext) { skipNext = false; return; }
      create();
    };
    create();
  }

  /**
   * The chat channel's own 'open' event: simple-peer's 'connect' waits for a candidate-pair stats poll after it (30–80 ms
   * here). Readiness still needs the proven transport; this only says the channel can carry bytes.
   */
  private watchChatChannel(pc: RTCPeerConnection): void {
    const watch = (dc: RTCDataChannel) => {
      if (dc.readyState === 'open') this.onChannelOpen();
      else dc.addEventListener('open', () => this.onChannelOpen());
    };
    // The initiator made simple-peer's channel in its constructor; the answerer gets it with the remote description.
    const own = (this.peer as unknown as { _channel?: RTCDataChannel })._channel;
    if (own) return watch(own);
    pc.addEventListener('datachannel', (e: RTCDataChannelEvent) => { if (e.channel.label !== FILES_DATA_CHANNEL.label) watch(e.channel); });
  }

  private onChannelOpen(): void {
    this.channelOpen = true;
    this.maybeReady();
  }

  /** A step towards authentication: the link has CONNECT_TIMEOUT_MS more for the next one, within CONNECT_CAP_MS in all. */
  private stepped(): void {
    if (this.closed || this.ready) return;
    if (this.timer) clearTimeout(this.timer);
    const left = Math.min(CONNECT_TIMEOUT_MS, this.createdAt + CONNECT_CAP_MS - Date.now());
    this.timer = setTimeout(() => { if (!this.ready) this.close(NOT_IN_TIME, true); }, Math.max(0, left));
  }

  get pc(): RTCPeerConnection | null {
    return (this.peer as unknown as { _pc?: RTCPeerConnection })._pc ?? null;
  }

  /** Initiator: our bound offer has left (an answer before it can only be a late one to an earlier link, or forged). */
  get offerSent(): boolean { return this.localFp !== null; }

  /** Transport proven and data channel open. */
  get isAuthenticated(): boolean {
    return this.ready && !this.closed;
  }

  /** The live transport showed the bound certificate (media may flow). */
  get isProven(): boolean {
    return this.proven && !this.closed;
  }

  /** The file channel, only once the link is authenticated (chunks never go to an unproven peer). */
  get files(): FileChannel | null {
    return this.isAuthenticated ? this.fileChannel : null;
  }

  /** Only our complete offer or answer leaves, each with its binding; anything else simple-peer emits is dropped. */
  private queueOut(signal: { type?: string; sdp?: string }): void {
    this.outChain = this.outChain.then(async () => {
      if (this.closed) return;
      const role = signal.type === 'offer' || signal.type === 'answer' ? signal.type : null;
      if (!role || typeof signal.sdp !== 'string') return;
      if (role !== (this.initiator ? 'offer' : 'answer')) return this.close(`refused: local ${role} on the wrong side`, true);
      const fp = fingerprintFromSdp(signal.sdp);
      if (!fp) return this.close('refused: local SDP has no DTLS fingerprint', true);
      const remote = role === 'answer' ? this.boundRemoteFp : '';
      if (remote === null) return this.close('refused: answer before a verified offer', true);
      // Under "always relay" only relay candidates leave; the answer digest covers exactly the SDP that is sent.
      const policed = localSdpForPolicy(signal.sdp, this.o.config);
      if (!policed.ok) return this.close(`refused: ${policed.reason}`, true);
      const digest = await sdpDigest(policed.sdp);
      // Both at once: an answer is matched against our offer's digest from the moment the offer counts as sent.
      this.localFp = fp;
      if (role === 'offer') this.sentOfferDigest = digest;
      else this.sentAnswerDigest = digest;
      const offerDigest = role === 'answer' ? this.receivedOfferDigest : '';
      if (offerDigest === null) return this.close('refused: answer before a verified offer', true);
      const binding = await this.o.bind(role, fp, remote, offerDigest);
      if (this.closed) return;
      this.o.send(role === 'offer' ? { type: 'offer', sdp: policed.sdp } : { type: 'answer', sdp: policed.sdp, offerDigest }, binding);
      this.stepped();
    }).catch((err: unknown) => this.close(`refused: could not bind our DTLS fingerprint (${errorText(err)})`, true));
  }

  /** Remote signals apply in order; only the one offer (answerer) or answer (initiator) whose binding verified reaches simple-peer. */
  receive(signal: { type?: unknown; sdp?: unknown; digest?: unknown; offerDigest?: unknown }, binding: WireLinkBinding | undefined): void {
    this.inChain = this.inChain.then(async () => {
      if (this.closed) return;
      if (signal.type === 'confirm') return this.receiveConfirm(signal.digest, binding);
      const expected = this.initiator ? 'answer' : 'offer';
      if (signal.type !== 'offer' && signal.type !== 'answer') return this.close(`refused: unexpected signal type ${String(signal.type).slice(0, 20)}`, true);
      if (typeof signal.sdp !== 'string') return this.close('refused: signal without SDP', true);
      if (signal.type !== expected || this.gotRemoteDescription) return this.close(`refused: unexpected ${signal.type}`, true);
      if (!binding) return this.close(`refused: ${signal.type} without a link binding`, true);
      if (binding.role !== signal.type) return this.close(`refused: binding role ${binding.role} on an ${signal.type}`, true);
      const fps = allFingerprints(signal.sdp);
      if (fps.length !== 1) return this.close('refused: remote SDP must carry exactly one DTLS fingerprint', true);
      const m = mediaSections(signal.sdp);
      if (m.audio > 1 || m.video > 1 || m.other > 0) return this.close('refused: remote SDP has unexpected media sections', true);
      const localFp = signal.type === 'answer' ? this.localFp : '';
      if (localFp === null || (signal.type === 'answer' && this.sentOfferDigest === null)) return this.close('refused: answer before our offer', true);
      // The mesh drops an answer naming another offer before it gets here; main checks the MAC against our own digest.
      if (signal.type === 'answer' && signal.offerDigest !== this.sentOfferDigest) return this.close('refused: answer to another offer', true);
      const offerDigest = signal.type === 'offer' ? await sdpDigest(signal.sdp) : '';
      try {
        await this.o.verify(binding, fps[0]!, localFp, signal.type === 'answer' ? this.sentOfferDigest! : '');
      } catch (err) {
        return this.close(`refused: link binding rejected (${errorText(err)})`, true);
      }
      if (this.closed) return;
      if (signal.type === 'offer') this.receivedOfferDigest = offerDigest;
      this.boundRemoteFp = fps[0]!;
      this.gotRemoteDescription = true;
      this.remoteSdp = signal.sdp;
      this.peer.signal({ type: signal.type, sdp: signal.sdp } as SimplePeer.SignalData);
      this.stepped();
      if (signal.type === 'answer') await this.sendConfirm(signal.sdp);
    });
  }

  /** Offerer: key confirmation over the exact answer it verified, which proves our main is live in this session now. */
  private async sendConfirm(answerSdp: string): Promise<void> {
    try {
      const digest = await sdpDigest(answerSdp);
      const binding = await this.o.bind('confirm', this.localFp!, this.boundRemoteFp!, digest);
      if (this.closed) return;
      this.o.send({ type: 'confirm', digest }, binding);
      this.stepped();
    } catch (err) {
      this.close(`refused: could not confirm the answer (${errorText(err)})`, true);
    }
  }

  /** Answerer: the one confirm, over the digest of the answer we sent, verified by main before anything flows. */
  private async receiveConfirm(digest: unknown, binding: WireLinkBinding | undefined): Promise<void> {
    if (this.initiator || this.confirmed) return this.close('refused: unexpected confirm', true);
    if (!binding || binding.role !== 'confirm') return this.close('refused: confirm without a confirm binding', true);
    if (this.sentAnswerDigest === null || !this.boundRemoteFp || !this.localFp) return this.close('refused: confirm before our answer', true);
    if (digest !== this.sentAnswerDigest) return this.close('refused: confirm over another answer', true);
    try {
      await this.o.verify(binding, this.boundRemoteFp, this.localFp, this.sentAnswerDigest);
    } catch (err) {
      return this.close(`refused: confirm rejected (${errorText(err)})`, true);
    }
    if (this.closed) return;
    this.confirmed = true;
    this.stepped();
    this.maybeProven();
  }

  /** Proven once the live certificate matched and, for the answerer, the offerer confirmed our answer. */
  private maybeProven(): void {
    if (this.closed || this.proven || !this.liveMatched || (!this.initiator && !this.confirmed)) return;
    this.onProven();
  }

  /** Remote tracks are held (one per kind) until the transport is proven; the answerer opens its side for sending. */
  private onRemoteTrack(e: RTCTrackEvent): void {
    if (this.closed) return;
    if (!this.initiator) allowSending(e.transceiver);
    const kind = e.track.kind;
    if (kind !== 'audio' && kind !== 'video') return;
    this.remoteStream ??= new MediaStream();
    if (this.remoteStream.getTracks().some((t) => t.kind === kind)) return;
    this.remoteStream.addTrack(e.track);
    if (this.proven) this.o.onStream(this.remoteStream);
  }

  private onConnectionState(): void {
    if (this.closed || !this.pc) return;
    if (this.pc.connectionState === 'connected' && !this.liveCheck) {
      this.stepped();
      this.liveCheck = this.checkLive();
    }
  }

  /** When ICE+DTLS is connected: the certificate the live transport saw must be the bound one, or we hang up. */
  private async checkLive(): Promise<void> {
    for (let i = 0; i < LIVE_CHECK_TRIES && !this.closed; i++) {
      const pc = this.pc;
      if (!pc) break;
      const live = remoteFingerprintFromStats(await pc.getStats());
      if (live) {
        if (!this.boundRemoteFp || live !== this.boundRemoteFp) {
          return this.close(`refused: live DTLS certificate ${live.slice(0, 23)}… does not match the bound fingerprint`, true);
        }
        this.liveMatched = true;
        this.stepped();
        return this.maybeProven();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!this.closed) this.close('refused: could not read the live DTLS certificate', true);
  }

  private onProven(): void {
    if (this.closed) return;
    this.proven = true;
    this.o.onState('connected');
    const pc = this.pc;
    const tracks = this.o.localTracks();
    if (pc) for (const kind of MEDIA_KINDS) void setOutgoing(pc, kind, tracks[kind]).catch(() => {});
    if (this.remoteStream) this.o.onStream(this.remoteStream);
    this.maybeReady();
  }

  private maybeReady(): void {
    if (this.closed || this.ready || !this.proven || !this.channelOpen) return;
    this.ready = true;
    if (this.timer) clearTimeout(this.timer);
    this.o.onAuthenticated(this.boundRemoteFp!);
    const held = this.held;
    this.held = [];
    for (const b of held) this.o.onData(b);
    const heldFiles = this.heldFiles;
    this.heldFiles = [];
    for (const b of heldFiles) this.o.onFileFrame(b);
  }

  private receiveData(bytes: Uint8Array): void {
    // 'data' can arrive before 'connect' on the initiator: hold it until the link is authenticated.
    if (this.closed) return;
    if (this.ready) this.o.onData(bytes);
    else if (this.held.length < MAX_HELD_DATA) this.held.push(bytes);
  }

  private receiveFileFrame(data: ArrayBuffer | Uint8Array): void {
    if (this.closed || typeof data === 'string') return;
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (this.ready) this.o.onFileFrame(bytes);
    else if (this.heldFiles.length < MAX_HELD_FILE_FRAMES) this.heldFiles.push(bytes);
  }

  send(bytes: Uint8Array): void {
    if (!this.isAuthenticated) throw new Error('link not authenticated yet');
    this.peer.send(bytes);
  }

  /** Swaps the outgoing track of one kind (screen share, device change) without renegotiation; nothing before the link is proven. */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const pc = this.pc;
    if (pc && this.isProven) await setOutgoing(pc, kind, track);
  }

  /** Lowers resolution and frame rate of our outgoing video as the mesh grows (every link encodes separately). */
  async setVideoQuality(scaleDown: number, maxFramerate: number): Promise<void> {
    const pc = this.pc;
    const sender = pc?.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
    if (!sender) return;
    const params = sender.getParameters();
    if (!params.encodings?.length) return;
    params.encodings = params.encodings.map((e) => ({ ...e, scaleResolutionDownBy: scaleDown, maxFramerate }));
    await sender.setParameters(params).catch(() => {});
  }

  close(reason: string, refused: boolean): void {
    if (this.closed) return;
    this.destroySilently();
    this.o.onClose(reason, refused);
  }

  destroySilently(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try { this.peer.destroy(); } catch { /* already gone */ }
  }
}
