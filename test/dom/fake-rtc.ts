// A scriptable stand-in for simple-peer and RTCPeerConnection: pure sequencing only (real WebRTC runs in the Chromium e2e suite).
import { EventEmitter } from 'events';

export class FakeTrack { constructor(readonly kind: string, readonly id = `${kind}-${Math.random()}`) {} }

export class FakeStream {
  private readonly tracks: FakeTrack[] = [];
  addTrack(t: FakeTrack): void { this.tracks.push(t); }
  getTracks(): FakeTrack[] { return [...this.tracks]; }
  getAudioTracks(): FakeTrack[] { return this.tracks.filter((t) => t.kind === 'audio'); }
  getVideoTracks(): FakeTrack[] { return this.tracks.filter((t) => t.kind === 'video'); }
}

export class FakeTransceiver {
  currentDirection: string | null = null;
  readonly sender = { track: null as FakeTrack | null, replaceTrack: async (t: FakeTrack | null) => { this.sender.track = t; },
    getParameters: () => ({ encodings: [] }), setParameters: async () => {} };
  readonly receiver: { track: FakeTrack };
  constructor(kind: string, public direction: string) { this.receiver = { track: new FakeTrack(kind) }; }
}

export class FakePc extends EventTarget {
  connectionState = 'new';
  transceivers: FakeTransceiver[] = [];
  /** What getStats reports as the remote certificate (null: no transport stats). */
  liveFingerprint: string | null = null;
  addTransceiver(kind: string, init: { direction: string }): FakeTransceiver {
    const t = new FakeTransceiver(kind, init.direction);
    this.transceivers.push(t);
    return t;
  }
  getTransceivers(): FakeTransceiver[] { return this.transceivers; }
  createDataChannel(): EventTarget & { readyState: string; send(): void; bufferedAmount: number } {
    return Object.assign(new EventTarget(), { readyState: 'connecting', send: () => {}, bufferedAmount: 0 });
  }
  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    const m = new Map<string, Record<string, unknown>>();
    if (this.liveFingerprint) {
      const [alg, fp] = this.liveFingerprint.split(' ');
      m.set('t', { id: 't', type: 'transport', remoteCertificateId: 'c' });
      m.set('c', { id: 'c', type: 'certificate', fingerprintAlgorithm: alg, fingerprint: fp });
    }
    return m;
  }
  /** The remote description created a transceiver (answerer) or answered one (initiator): fire 'track'. */
  remoteTrack(kind: string): FakeTransceiver {
    const t = this.transceivers.find((x) => x.receiver.track.kind === kind) ?? this.addTransceiver(kind, { direction: 'recvonly' });
    const ev = Object.assign(new Event('track'), { track: t.receiver.track, transceiver: t, streams: [] });
    this.dispatchEvent(ev);
    return t;
  }
  connect(): void {
    this.connectionState = 'connected';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

export const created: FakePeer[] = [];

export class FakePeer extends EventEmitter {
  readonly _pc = new FakePc();
  readonly signals: unknown[] = [];
  readonly sent: Uint8Array[] = [];
  destroyed = false;
  /** simple-peer's own data channel: the initiator's exists from the start (the answerer's comes with the offer). */
  readonly _channel?: EventTarget & { readyState: string; label: string };
  constructor(readonly opts: Record<string, unknown>) {
    super();
    if (opts.initiator) this._channel = Object.assign(new EventTarget(), { readyState: 'connecting', label: 'chat' });
    created.push(this);
  }
  /** Offers created (simple-peer's private `_createOffer`, which its own `setTimeout(0)` calls after the constructor). */
  offersCreated = 0;
  _createOffer(): void { this.offersCreated++; }
  /** simple-peer's own first-offer timer, for tests that run it. */
  runOwnOfferTimer(): void { this._createOffer(); }
  signal(s: unknown): void { this.signals.push(s); }
  send(b: Uint8Array): void { this.sent.push(b); }
  destroy(): void { this.destroyed = true; }
}

/** Installs MediaStream for jsdom (which has none). */
export function installMediaStream(): void {
  (globalThis as unknown as { MediaStream: unknown }).MediaStream = FakeStream;
}
