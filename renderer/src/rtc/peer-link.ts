// One authenticated WebRTC link (simple-peer) to one remote identity: signed DTLS fingerprints, live-transport check.
import SimplePeer from 'simple-peer';
import type { WireDtlsAttestation } from '../../../protocol/keys';
import type { PeerSignal } from '../../../protocol/signaling';
import { createFileDataChannel, wrapFileChannel, type FileChannel } from './file-channel';
import { allFingerprints, fingerprintFromSdp, remoteFingerprintFromStats } from './fingerprint';

export interface PeerLinkOptions {
  initiator: boolean;
  stream: MediaStream | null;
  config: RTCConfiguration;
  /** Signs our local DTLS fingerprint (window.veil.dtls.sign). */
  sign(fingerprint: string): Promise<WireDtlsAttestation>;
  /** Verifies the remote attestation against the remote identity and the SDP's fingerprint; throws to refuse. */
  verify(attestation: WireDtlsAttestation, fingerprint: string): Promise<void>;
  send(signal: PeerSignal, attestation?: WireDtlsAttestation): void;
  onState(state: 'connecting' | 'connected'): void;
  /** The live DTLS transport presented the attested certificate: the link is authenticated. */
  onAuthenticated(fingerprint: string): void;
  onStream(stream: MediaStream): void;
  onData(bytes: Uint8Array): void;
  /** A chunk frame from the negotiated `veil-files` channel (only after authentication, like `onData`). */
  onFileFrame(bytes: Uint8Array): void;
  /** The link is gone: `refused` when authentication failed (never retried automatically). */
  onClose(reason: string, refused: boolean): void;
}

const LIVE_CHECK_TRIES = 80;
/** File frames that arrive before authentication are held (bounded: the sender only streams after an accept). */
const MAX_HELD_FILE_FRAMES = 32;
/** A link that is not authenticated by then is torn down (and retried by the mesh). */
const CONNECT_TIMEOUT_MS = 20_000;

export class PeerLink {
  readonly peer: SimplePeer.Instance;
  private outChain: Promise<void> = Promise.resolve();
  private inChain: Promise<void> = Promise.resolve();
  private attested: string | null = null;
  private authenticated = false;
  private held: Uint8Array[] = [];
  private heldFiles: Uint8Array[] = [];
  private readonly fileDc: RTCDataChannel | null;
  private readonly fileChannel: FileChannel | null;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  gotRemoteDescription = false;

  constructor(readonly initiator: boolean, private readonly o: PeerLinkOptions) {
    this.peer = new SimplePeer({
      initiator: o.initiator,
      stream: o.stream ?? undefined,
      config: o.config,
      // Candidates ride inside the (signed-fingerprint) offer/answer: two relays per link instead of dozens,
      // which keeps a whole mesh joining at once under the server's per-socket rate limit.
      trickle: false,
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true }
    });
    // Created on every link by both sides before the first offer, so it rides in the same SCTP association.
    this.fileDc = this.pc ? createFileDataChannel(this.pc) : null;
    this.fileChannel = this.fileDc ? wrapFileChannel(this.fileDc) : null;
    this.fileDc?.addEventListener('message', (e: MessageEvent<ArrayBuffer | Uint8Array>) => this.receiveFileFrame(e.data));
    this.peer.on('signal', (s: SimplePeer.SignalData) => this.queueOut(s as unknown as PeerSignal));
    this.peer.on('connect', () => { o.onState('connected'); void this.checkLive(); });
    this.peer.on('stream', (stream: MediaStream) => o.onStream(stream));
    this.peer.on('data', (d: Uint8Array) => this.receiveData(new Uint8Array(d)));
    this.peer.on('error', (err: Error & { code?: string }) => this.close(`connection error: ${err.code ?? err.message}`, false));
    this.peer.on('close', () => this.close('connection closed', false));
    this.timer = setTimeout(() => { if (!this.authenticated) this.close('connection timed out', false); }, CONNECT_TIMEOUT_MS);
  }

  get pc(): RTCPeerConnection | null {
    return (this.peer as unknown as { _pc?: RTCPeerConnection })._pc ?? null;
  }

  get isAuthenticated(): boolean {
    return this.authenticated;
  }

  /** The file channel, only once the link is authenticated (chunks never go to an unproven peer). */
  get files(): FileChannel | null {
    return this.authenticated && !this.closed ? this.fileChannel : null;
  }

  /** Signals leave in order: an offer/answer waits for its attestation, candidates wait behind it. */
  private queueOut(signal: PeerSignal): void {
    this.outChain = this.outChain.then(async () => {
      if (this.closed) return;
      if (signal.type === 'offer' || signal.type === 'answer') {
        const fp = fingerprintFromSdp(signal.sdp);
        if (!fp) return this.close('local SDP has no DTLS fingerprint', true);
        const attestation = await this.o.sign(fp);
        if (!this.closed) this.o.send({ type: signal.type, sdp: signal.sdp }, attestation);
      } else {
        this.o.send(signal);
      }
    }).catch((err: unknown) => this.close(`could not sign our DTLS fingerprint: ${String(err)}`, true));
  }

  /** Remote signals apply in order; an offer/answer applies only after its attestation verified. */
  receive(signal: PeerSignal, attestation: WireDtlsAttestation | undefined): void {
    this.inChain = this.inChain.then(async () => {
      if (this.closed) return;
      if (signal.type === 'offer' || signal.type === 'answer') {
        const fps = allFingerprints(signal.sdp);
        if (fps.length !== 1) return this.close('refused: remote SDP must carry exactly one DTLS fingerprint', true);
        if (!attestation) return this.close('refused: remote SDP has no signed DTLS fingerprint', true);
        try {
          await this.o.verify(attestation, fps[0]!);
        } catch (err) {
          return this.close(`refused: DTLS fingerprint attestation rejected (${err instanceof Error ? err.message : String(err)})`, true);
        }
        if (this.attested && this.attested !== fps[0]) return this.close('refused: DTLS fingerprint changed mid-call', true);
        this.attested = fps[0]!;
        this.gotRemoteDescription = true;
      }
      if (!this.closed) this.peer.signal(signal as unknown as SimplePeer.SignalData);
    });
  }

  /** After connect: the certificate the live DTLS transport saw must be the attested one, or we hang up. */
  private async checkLive(): Promise<void> {
    for (let i = 0; i < LIVE_CHECK_TRIES && !this.closed; i++) {
      const pc = this.pc;
      if (!pc) return;
      const live = remoteFingerprintFromStats(await pc.getStats());
      if (live) {
        if (!this.attested || live !== this.attested) {
          return this.close(`refused: live DTLS certificate ${live.slice(0, 23)}… does not match the attested fingerprint`, true);
        }
        this.authenticated = true;
        this.o.onAuthenticated(live);
        const held = this.held;
        this.held = [];
        for (const b of held) this.o.onData(b);
        const heldFiles = this.heldFiles;
        this.heldFiles = [];
        for (const b of heldFiles) this.o.onFileFrame(b);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!this.closed) this.close('refused: could not read the live DTLS certificate', true);
  }

  private receiveData(bytes: Uint8Array): void {
    // 'data' can arrive before 'connect' on the initiator: hold it until the transport is authenticated.
    if (this.authenticated) this.o.onData(bytes);
    else if (this.held.length < 64) this.held.push(bytes);
  }

  private receiveFileFrame(data: ArrayBuffer | Uint8Array): void {
    if (this.closed || typeof data === 'string') return;
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (this.authenticated) this.o.onFileFrame(bytes);
    else if (this.heldFiles.length < MAX_HELD_FILE_FRAMES) this.heldFiles.push(bytes);
  }

  send(bytes: Uint8Array): void {
    if (!this.authenticated) throw new Error('link not authenticated yet');
    this.peer.send(bytes);
  }

  /** Swaps the outgoing track of one kind (screen share, device change) without renegotiation. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === kind || (s.track === null && kind === 'video'));
    if (sender) await sender.replaceTrack(track);
  }

  /** Lowers resolution and frame rate of our outgoing video as the mesh grows (every link encodes separately). */
  async setVideoQuality(scaleDown: number, maxFramerate: number): Promise<void> {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === 'video');
    if (!sender) return;
    const params = sender.getParameters();
    if (!params.encodings?.length) return;
    params.encodings = params.encodings.map((e) => ({ ...e, scaleResolutionDownBy: scaleDown, maxFramerate }));
    await sender.setParameters(params).catch(() => {});
  }

  close(reason: string, refused: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try { this.peer.destroy(); } catch { /* already gone */ }
    this.o.onClose(reason, refused);
  }

  destroySilently(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try { this.peer.destroy(); } catch { /* already gone */ }
  }
}
