// One downward PeerConnection per remote feed: Janus offers, we answer; every received track goes through SFrame under the publisher's peer id.
import type { JanusSubscriptionStream } from '../../../../protocol/janus';
import { JanusError, type JanusConnection } from './janus-connection';
import { trickleTo } from './trickle';

export type SimulcastLayer = 'low' | 'high';
/** Janus substreams count from the lowest quality (0). */
const SUBSTREAM: Record<SimulcastLayer, number> = { low: 0, high: 1 };

/** `audioEnergy`: the received audio's total energy so far (getStats `totalAudioEnergy`), whose growth says someone speaks. */
export interface FeedStats { framesDecoded: number; videoBytes: number; audioBytes: number; frameWidth: number; audioEnergy: number }

export interface SubscriberOptions {
  conn: JanusConnection;
  room: number;
  roomToken: string;
  feedId: number;
  /** The publisher's `display`, already checked to be a current member's peer id: the SFrame sender id of its frames. */
  senderId: string;
  privateId: number | undefined;
  worker: Worker;
  rtc: RTCConfiguration;
  layer: SimulcastLayer;
  onStream(stream: MediaStream): void;
}

export class Subscriber {
  handle: number | null = null;
  private pc: RTCPeerConnection | null = null;
  private videoMid: string | null = null;
  private layer: SimulcastLayer;
  private video = true;
  readonly stream = new MediaStream();

  constructor(private readonly o: SubscriberOptions) {
    this.layer = o.layer;
  }

  async start(): Promise<void> {
    const { conn } = this.o;
    this.handle = await conn.attach();
    const res = await conn.message(this.handle, {
      request: 'join', ptype: 'subscriber', room: this.o.room, token: this.o.roomToken,
      streams: [{ feed: this.o.feedId }], ...(this.o.privateId !== undefined ? { private_id: this.o.privateId } : {})
    });
    const data = res.plugindata?.data;
    if (data?.videoroom !== 'attached' || data.room !== this.o.room) throw new JanusError('malformed', 'subscribe: the SFU did not attach this room');
    if (res.janus !== 'event' || res.jsep?.type !== 'offer') throw new JanusError('malformed', 'subscribe: no SDP offer');
    // Only the feed we asked for: a subscription that smuggles in another publisher's stream is refused whole.
    if (!data.streams.every((s: JanusSubscriptionStream) => s.feed_id === undefined || s.feed_id === this.o.feedId)) {
      throw new JanusError('malformed', 'subscribe: streams of another feed');
    }
    this.videoMid = data.streams.find((s) => s.type === 'video')?.mid ?? null;
    const pc = new RTCPeerConnection(this.o.rtc);
    this.pc = pc;
    pc.ontrack = (e) => {
      // Before any frame arrives: undecryptable frames are dropped in the worker and never reach the decoder.
      e.receiver.transform = new RTCRtpScriptTransform(this.o.worker, { side: 'receive', senderId: this.o.senderId, feedId: String(this.o.feedId) });
      this.stream.addTrack(e.track);
      this.o.onStream(this.stream);
    };
    const trickle = trickleTo(conn, this.handle, pc);
    await pc.setRemoteDescription(res.jsep);
    const answer = await pc.createAnswer();
    // Janus gets our answer while it is applied here: it then knows our ICE credentials before our first check reaches it.
    await Promise.all([pc.setLocalDescription(answer), conn.message(this.handle, { request: 'start' }, { type: 'answer', sdp: answer.sdp ?? '', e2ee: true })]);
    trickle.start();
    if (this.layer !== 'high') await this.setLayer(this.layer, true);
  }

  /** Asks Janus for one simulcast layer of this feed's video (small tiles take the low one). */
  async setLayer(layer: SimulcastLayer, force = false): Promise<void> {
    if (!force && layer === this.layer) return;
    this.layer = layer;
    if (this.handle === null || this.videoMid === null) return;
    await this.o.conn.message(this.handle, { request: 'configure', streams: [{ mid: this.videoMid, substream: SUBSTREAM[layer] }] });
  }

  /** Asks Janus to forward this feed's video or to hold it back (the video cap); audio is untouched. */
  async setVideo(on: boolean): Promise<void> {
    if (on === this.video || this.handle === null || this.videoMid === null) return;
    this.video = on;
    try {
      await this.o.conn.message(this.handle, { request: 'configure', streams: [{ mid: this.videoMid, send: on }] });
    } catch (err) {
      this.video = !on;
      throw err;
    }
  }

  get videoOn(): boolean { return this.video; }
  get currentLayer(): SimulcastLayer { return this.layer; }
  get hasVideo(): boolean { return this.videoMid !== null; }

  async stats(): Promise<FeedStats> {
    const out: FeedStats = { framesDecoded: 0, videoBytes: 0, audioBytes: 0, frameWidth: 0, audioEnergy: 0 };
    (await this.pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number; frameWidth?: number; totalAudioEnergy?: number }) => {
      if (r.type !== 'inbound-rtp') return;
      if (r.kind === 'video') {
        out.framesDecoded += r.framesDecoded ?? 0;
        out.videoBytes += r.bytesReceived ?? 0;
        out.frameWidth = r.frameWidth ?? out.frameWidth;
      }
      if (r.kind === 'audio') { out.audioBytes += r.bytesReceived ?? 0; out.audioEnergy += r.totalAudioEnergy ?? 0; }
    });
    return out;
  }

  async stop(): Promise<void> {
    this.pc?.close();
    this.pc = null;
    for (const t of this.stream.getTracks()) this.stream.removeTrack(t);
    if (this.handle !== null) {
      const h = this.handle;
      this.handle = null;
      await this.o.conn.detach(h).catch(() => undefined);
    }
  }
}
