// Our one upward PeerConnection to Janus: audio + simulcast VP8 video, every sender behind the SFrame send transform.
import type { JanusPublisher } from '../../../../protocol/janus';
import { JanusError, type JanusConnection } from './janus-connection';
import { trickleTo } from './trickle';

/** Simulcast, highest first (Janus's default `hml` order): full size and a quarter-area layer for small tiles. */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'h', active: true, maxBitrate: 350_000 },
  { rid: 'l', active: true, maxBitrate: 90_000, scaleResolutionDownBy: 2 }
];

/** VP8 first; H.264 never (its packetizer splits on start codes that ciphertext fakes, so SFrame cannot carry it). */
export function sframeVideoCodecs(codecs: RTCRtpCodec[]): RTCRtpCodec[] {
  const usable = codecs.filter((c) => c.mimeType.toLowerCase() !== 'video/h264');
  return [...usable.filter((c) => c.mimeType === 'video/VP8'), ...usable.filter((c) => c.mimeType !== 'video/VP8')];
}

export interface PublisherOptions {
  conn: JanusConnection;
  room: number;
  roomToken: string;
  /** Our signaling peer id: the `display` others check, and the SFrame sender id of our frames. */
  selfId: string;
  rtc: RTCConfiguration;
}

export class Publisher {
  handle: number | null = null;
  /** Janus's id for our feed (publishers other than us are listed with theirs). */
  feedId: number | null = null;
  privateId: number | undefined;
  pc: RTCPeerConnection | null = null;

  constructor(private readonly o: PublisherOptions) {}

  /** Joins the room as a publisher named by our peer id; resolves with the publishers already there. */
  async join(): Promise<JanusPublisher[]> {
    const { conn } = this.o;
    this.handle = await conn.attach();
    const res = await conn.message(this.handle, { request: 'join', ptype: 'publisher', room: this.o.room, display: this.o.selfId, token: this.o.roomToken });
    const data = res.plugindata?.data;
    if (data?.videoroom !== 'joined' || data.room !== this.o.room) throw new JanusError('malformed', 'join: the SFU did not answer with this room');
    this.feedId = data.id;
    this.privateId = data.private_id;
    return data.publishers;
  }

  /** Sends our tracks through `worker`, the keyed frame worker (none yet is fine: nothing is published until we have one). */
  async publish(stream: MediaStream, worker: Worker): Promise<void> {
    const handle = this.handle;
    if (handle === null) throw new JanusError('closed', 'publish before join');
    const pc = new RTCPeerConnection(this.o.rtc);
    this.pc = pc;
    const send = (sender: RTCRtpSender) => {
      // The transform is in place before any frame is encoded, so nothing leaves in the clear.
      sender.transform = new RTCRtpScriptTransform(worker, { side: 'send', senderId: this.o.selfId });
    };
    for (const track of stream.getAudioTracks().slice(0, 1)) send(pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }).sender);
    for (const track of stream.getVideoTracks().slice(0, 1)) {
      const t = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: SIMULCAST_ENCODINGS.map((e) => ({ ...e })) });
      send(t.sender);
      t.setCodecPreferences(sframeVideoCodecs(RTCRtpSender.getCapabilities('video')?.codecs ?? []));
    }
    const trickle = trickleTo(this.o.conn, handle, pc);
    const offer = await pc.createOffer();
    // The offer goes to Janus while it is applied here; its answer is applied only after.
    const applied = pc.setLocalDescription(offer);
    const [res] = await Promise.all([this.o.conn.message(handle, { request: 'configure', audio: true, video: true },
      { type: 'offer', sdp: offer.sdp ?? '', e2ee: true, rid_order: 'hml' }), applied]);
    trickle.start();
    if (res.janus !== 'event' || res.jsep?.type !== 'answer') throw new JanusError('malformed', 'publish: no SDP answer');
    await pc.setRemoteDescription(res.jsep);
  }

  /**
   * Sends another track of one kind (camera switch, screen share and back) on the same sender: its SFrame transform
   * and simulcast encodings stay, so nothing is renegotiated and nothing leaves unencrypted. Before publish: a no-op.
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const t = this.pc?.getTransceivers().find((x) => x.receiver.track.kind === kind);
    if (t) await t.sender.replaceTrack(track);
  }

  /** The frames we send, per kind, for stats and the bench. */
  async outbound(): Promise<{ framesEncoded: number; audioBytes: number; videoBytes: number }> {
    const out = { framesEncoded: 0, audioBytes: 0, videoBytes: 0 };
    (await this.pc?.getStats())?.forEach((r: { type: string; kind?: string; framesEncoded?: number; bytesSent?: number }) => {
      if (r.type !== 'outbound-rtp') return;
      if (r.kind === 'video') { out.framesEncoded += r.framesEncoded ?? 0; out.videoBytes += r.bytesSent ?? 0; }
      if (r.kind === 'audio') out.audioBytes += r.bytesSent ?? 0;
    });
    return out;
  }

  async stop(): Promise<void> {
    this.pc?.close();
    this.pc = null;
    if (this.handle !== null) {
      const h = this.handle;
      this.handle = null;
      await this.o.conn.message(h, { request: 'leave' }).catch(() => undefined);
      await this.o.conn.detach(h).catch(() => undefined);
    }
  }
}
