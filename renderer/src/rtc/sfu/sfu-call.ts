// The SFU call: one Janus session, our publisher, one subscriber per member's feed, kept in step with Janus and the room; reports through events.
import type { JanusPublisher } from '../../../../protocol/janus';
import type { SfuPath } from '../../../../protocol/sfu';
import { Emitter } from '../events';
import { JanusConnection, JanusError, type JanusHandleEvent, type JanusSocketFactory } from './janus-connection';
import { Publisher } from './publisher';
import type { FrameOriginStatus } from '../../../../protocol/frame-origin';
import { newFeedWatch, nextFeedState, withOrigin, type FeedState, type FeedWatch } from './feed-state';
import { Subscriber, type SimulcastLayer } from './subscriber';
import { chooseVideoFeeds, DEFAULT_MAX_VIDEO_FEEDS } from './video-cap';
import { watchWorker, type ReceiveStatus, type SendStatus } from './worker-status';

export type { FeedState } from './feed-state';
export type SfuCallState = 'connecting' | 'live' | 'failed' | 'closed';

export interface SfuCallEvents {
  state: [state: SfuCallState, reason?: string];
  /** A feed we show (its publisher is a current member): its state, and its stream once frames decrypt. */
  feed: [feedId: number, feed: { peerId: string; state: FeedState; stream: MediaStream | null; videoPaused: boolean }];
  'feed-gone': [feedId: number];
  /** Our own frames: encrypting, or dropped while we have no send key. */
  send: [status: SendStatus];
  /** A Janus message was refused (counted and shown once per kind by the app). */
  refused: [error: JanusError];
  /** Fresh tokens are in use until this time (ms). */
  tokens: [expiresAt: number];
}

export interface SfuCallOptions {
  path: SfuPath;
  selfId: string;
  /**
   * A frame worker with its key port attached; frames without keys are dropped in it, never sent or shown in the clear.
   * It may still be starting: the Janus session and our publisher join come up alongside it, and nothing is published
   * or subscribed before it is there.
   */
  worker: Promise<Worker>;
  /** The peer ids of current members whose identity and key we accept: only their feeds are subscribed. */
  members(): ReadonlySet<string>;
  rtc(): RTCConfiguration;
  /** Fresh tokens (`sfu:token`) before `expiresAt`. */
  refreshPath(): Promise<SfuPath>;
  /** Remote videos received at once (the user's setting, read on every poll); the others send audio only. */
  maxVideoFeeds?: () => number;
  socket?: JanusSocketFactory;
  statsIntervalMs?: number;
}

/** Remote feeds one call subscribes to at most (the room's capacity bounds it again on the server). */
export const MAX_SUBSCRIPTIONS = 63;
/** Refresh the tokens this long before they expire (or at half their life, if sooner). */
const REFRESH_BEFORE_MS = 60_000;

/** Subscriptions Janus may end (hangup) before a feed is given up on until it publishes again. */
const MAX_SUBSCRIBE_ATTEMPTS = 4;
const RESUBSCRIBE_MS = 2000;
const LOW_LAYER_MISSING_POLLS = 4;
/** Received audio energy per second above this counts as speech (a level of about SPEAKING_RMS / 2, -40 dBFS). */
const SPEECH_ENERGY_PER_S = 1e-4;

interface Feed {
  display: string; sub: Subscriber | null; watch: FeedWatch; shownState: FeedState | null; attempts: number;
  /** Subscription order (ties in the video cap) and when its audio last carried speech. */
  order: number; lastSpoke: number | null; shownPaused: boolean;
  /** Polls on the low layer with audio but no video arriving (a publisher whose camera is too small for two layers). */
  lowMissing: number;
}

export class SfuCall {
  readonly events = new Emitter<SfuCallEvents>();
  private readonly conn: JanusConnection;
  private readonly publisher: Publisher;
  private readonly feeds = new Map<number, Feed>();
  private readonly receive = new Map<string, ReceiveStatus>();
  /** The worker's origin verdicts, by feed id (bounded by the feeds we subscribe to). */
  private readonly origin = new Map<string, FrameOriginStatus>();
  private path: SfuPath;
  private layer: SimulcastLayer = 'high';
  private subscriptions = 0;
  private stopped = false;
  private readonly timers: Array<ReturnType<typeof setInterval> | ReturnType<typeof setTimeout>> = [];
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private worker: Worker | null = null;
  private unwatch: () => void = () => undefined;

  constructor(private readonly o: SfuCallOptions) {
    this.path = o.path;
    this.conn = new JanusConnection({ url: o.path.url, token: o.path.token, ...(o.socket ? { socket: o.socket } : {}) });
    this.publisher = new Publisher({ conn: this.conn, room: o.path.room, roomToken: o.path.roomToken, selfId: o.selfId, rtc: o.rtc() });
    this.conn.events.on('refused', (e) => this.events.emit('refused', e));
    this.conn.events.on('handle-event', (e) => this.onHandleEvent(e));
    this.conn.events.on('closed', (reason) => { if (!this.stopped) this.fail(reason); });
  }

  get room(): number { return this.path.room; }
  get selfId(): string { return this.o.selfId; }

  /** Session and publisher join while the frame worker starts, then our tracks up and the feeds of current members. */
  async start(stream: MediaStream | null): Promise<void> {
    this.events.emit('state', 'connecting');
    try {
      const [others, worker] = await Promise.all([this.conn.create().then(() => this.publisher.join()), this.o.worker]);
      if (this.stopped) return;
      this.worker = worker;
      this.unwatch = watchWorker(worker, (s) => {
        if (s.type === 'receive-status') this.receive.set(s.senderId, s);
        else if (s.type === 'origin-status') this.originSaid(s);
        else if (s.type === 'send-status') this.events.emit('send', s);
      });
      for (const p of others) this.learn(p);
      // Subscriptions need only the publisher's private id: they come up alongside our own publishing.
      this.reconcile();
      if (stream) await this.publisher.publish(stream, worker);
      if (this.stopped) return;
      this.events.emit('state', 'live');
      this.timers.push(setInterval(() => void this.poll(), this.o.statsIntervalMs ?? 1000));
      this.scheduleRefresh();
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** Our outgoing track of one kind changed (device switch, screen share). */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    return this.publisher.replaceTrack(kind, track);
  }

  /** Membership or trust changed in the room: subscribe to new members' feeds, drop the feeds of those who left. */
  membersChanged(): void { this.reconcile(); }

  /** The simulcast layer every tile needs now (small tiles: low). */
  setLayer(layer: SimulcastLayer): void {
    if (layer === this.layer) return;
    this.layer = layer;
    for (const f of this.feeds.values()) void f.sub?.setLayer(layer).catch((e: unknown) => this.refusedLocally(e));
  }

  /** Newer tokens for the same room: used from the next request on. */
  updatePath(path: SfuPath): void {
    if (path.room !== this.path.room || path.url !== this.path.url) return;
    this.path = path;
    this.conn.setToken(path.token);
    this.events.emit('tokens', path.expiresAt);
    this.scheduleRefresh();
  }

  /** Per-feed counters (diagnostics and the bench). */
  async feedStats(): Promise<Array<{ feedId: number; peerId: string; framesDecoded: number; videoBytes: number; audioBytes: number; frameWidth: number }>> {
    const out = [];
    for (const [feedId, f] of this.feeds) if (f.sub) out.push({ feedId, peerId: f.display, ...(await f.sub.stats()) });
    return out;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) { clearInterval(t); clearTimeout(t); }
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.unwatch();
    for (const [feedId, f] of this.feeds) { await f.sub?.stop(); this.events.emit('feed-gone', feedId); }
    this.feeds.clear();
    await this.publisher.stop();
    await this.conn.close();
    this.events.emit('state', 'closed');
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.events.emit('state', 'failed', reason);
    void this.stop();
  }

  private refusedLocally(e: unknown): void {
    if (e instanceof JanusError) this.events.emit('refused', e);
  }

  private learn(p: JanusPublisher): void {
    if (p.id === this.publisher.feedId || this.feeds.has(p.id) || p.display === undefined) return;
    if (this.feeds.size >= MAX_SUBSCRIPTIONS) return this.events.emit('refused', new JanusError('malformed', 'more feeds than a room can hold'));
    this.feeds.set(p.id, { display: p.display, sub: null, watch: newFeedWatch(), shownState: null, attempts: 0, lowMissing: 0,
      order: this.subscriptions++, lastSpoke: null, shownPaused: false });
  }

  private forget(feedId: number): void {
    const f = this.feeds.get(feedId);
    if (!f) return;
    this.feeds.delete(feedId);
    this.origin.delete(String(feedId));
    void f.sub?.stop();
    if (f.shownState !== null) this.events.emit('feed-gone', feedId);
  }

  private onHandleEvent(e: JanusHandleEvent): void {
    if (this.stopped) return;
    if (e.sender !== this.publisher.handle) {
      if (e.janus === 'hangup' || e.janus === 'detached') for (const [id, f] of this.feeds) if (f.sub?.handle === e.sender) this.unsubscribe(id);
      return;
    }
    if (e.janus === 'hangup') return this.fail(`the SFU hung up our call${e.reason ? ` (${e.reason})` : ''}`);
    if (e.janus !== 'event') return;
    const data = e.plugindata.data;
    if (data.videoroom === 'destroyed') return this.fail('the SFU room was closed');
    if (data.videoroom !== 'event') return;
    if (data.kicked !== undefined && data.kicked === this.publisher.feedId) return this.fail('removed from the SFU room');
    for (const p of data.publishers ?? []) this.learn(p);
    if (typeof data.unpublished === 'number') this.forget(data.unpublished);
    if (typeof data.leaving === 'number') this.forget(data.leaving);
    this.reconcile();
  }

  /** A feed whose display is not a current member (or is us) is not subscribed; one that stops being one is dropped. */
  private reconcile(): void {
    // Publishers Janus announces before the worker is up are learnt and subscribed once it is.
    if (this.stopped || !this.worker) return;
    const worker = this.worker;
    const members = this.o.members();
    for (const [feedId, f] of this.feeds) {
      const wanted = members.has(f.display) && f.display !== this.o.selfId;
      if (wanted && !f.sub && f.attempts < MAX_SUBSCRIBE_ATTEMPTS) this.subscribe(feedId, f, worker);
      else if (!wanted && f.sub) this.unsubscribe(feedId);
    }
  }

  private subscribe(feedId: number, f: Feed, worker: Worker): void {
    const sub = new Subscriber({
      conn: this.conn, room: this.path.room, roomToken: this.path.roomToken, feedId, senderId: f.display,
      privateId: this.publisher.privateId, worker, rtc: this.o.rtc(), layer: this.layer, onStream: () => undefined
    });
    f.sub = sub;
    f.attempts++;
    f.watch = newFeedWatch();
    this.show(feedId, f, 'connecting');
    sub.start().catch((e: unknown) => {
      this.refusedLocally(e);
      if (this.feeds.get(feedId)?.sub !== sub) return;
      this.unsubscribe(feedId);
      // A slow or briefly refusing SFU: try again shortly (bounded by MAX_SUBSCRIBE_ATTEMPTS).
      this.timers.push(setTimeout(() => this.reconcile(), RESUBSCRIBE_MS * f.attempts));
    });
  }

  private unsubscribe(feedId: number): void {
    const f = this.feeds.get(feedId);
    if (!f?.sub) return;
    void f.sub.stop();
    f.sub = null;
    if (f.shownState !== null) { f.shownState = null; this.events.emit('feed-gone', feedId); }
  }

  private show(feedId: number, f: Feed, state: FeedState): void {
    const paused = f.sub ? !f.sub.videoOn : false;
    if (f.shownState === state && f.shownPaused === paused) return;
    f.shownState = state;
    f.shownPaused = paused;
    this.events.emit('feed', feedId, { peerId: f.display, state, stream: state === 'decrypting' && f.sub ? f.sub.stream : null, videoPaused: paused });
  }

  /** An origin verdict shows at once: a forged feed's tile must not wait for the next poll to stop saying "decrypting". */
  private originSaid(s: FrameOriginStatus): void {
    const feedId = Number(s.feedId);
    const f = this.feeds.get(feedId);
    if (!f || f.display !== s.senderId) return;
    this.origin.set(s.feedId, s);
    this.show(feedId, f, withOrigin(f.watch.state, s.state));
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    for (const [feedId, f] of this.feeds) {
      const sub = f.sub;
      if (!sub) continue;
      const stats = await sub.stats().catch(() => null);
      if (!stats || this.feeds.get(feedId)?.sub !== sub) continue;
      const prev = f.watch.last;
      const seconds = (this.o.statsIntervalMs ?? 1000) / 1000;
      if (prev && (stats.audioEnergy - prev.audioEnergy) / seconds >= SPEECH_ENERGY_PER_S) f.lastSpoke = now;
      // A feed whose video we hold back is judged by its audio alone (no frames is then no failure).
      f.watch = nextFeedState(f.watch, stats, this.receive.get(f.display), sub.hasVideo && sub.videoOn);
      this.show(feedId, f, withOrigin(f.watch.state, this.origin.get(String(feedId))?.state));
      // Janus forwards nothing for a layer the publisher does not send: fall back to the one it does.
      const videoStill = prev !== null && stats.videoBytes === prev.videoBytes && stats.audioBytes > prev.audioBytes;
      f.lowMissing = sub.currentLayer === 'low' && sub.hasVideo && videoStill ? f.lowMissing + 1 : 0;
      if (f.lowMissing >= LOW_LAYER_MISSING_POLLS) { f.lowMissing = 0; void sub.setLayer('high').catch((e: unknown) => this.refusedLocally(e)); }
    }
    this.capVideo(now);
  }

  /** At most `maxVideoFeeds` videos come in, to those who spoke last (video-cap.ts); the others' audio still does. */
  private capVideo(now: number): void {
    const subscribed = [...this.feeds].filter(([, f]) => f.sub?.hasVideo);
    const max = this.o.maxVideoFeeds?.() ?? DEFAULT_MAX_VIDEO_FEEDS;
    const wanted = chooseVideoFeeds(subscribed.map(([feedId, f]) => ({ feedId, video: f.sub!.videoOn, lastSpoke: f.lastSpoke, order: f.order })), max, now);
    for (const [feedId, f] of subscribed) {
      const sub = f.sub!;
      const on = wanted.has(feedId);
      if (on === sub.videoOn) continue;
      // Frames stop or start: the watch starts over so the first keyframe after a resume has its grace.
      void sub.setVideo(on).then(() => {
        if (this.feeds.get(feedId)?.sub !== sub) return;
        f.watch = { ...newFeedWatch(), state: f.watch.state === 'connecting' ? 'connecting' : f.watch.state, last: f.watch.last };
        this.show(feedId, f, withOrigin(f.watch.state, this.origin.get(String(feedId))?.state));
      }, (e: unknown) => this.refusedLocally(e));
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const left = this.path.expiresAt - Date.now();
    // A minute before expiry, or at half the remaining life for short-lived tokens.
    const wait = Math.max(1000, left > 2 * REFRESH_BEFORE_MS ? left - REFRESH_BEFORE_MS : left / 2);
    this.refreshTimer = setTimeout(() => {
      this.o.refreshPath().then((p) => this.updatePath(p), (e: unknown) => {
        this.refusedLocally(e);
        // Try again soon while the old tokens still work; past their expiry Janus refuses us and the call fails closed.
        if (!this.stopped && Date.now() < this.path.expiresAt) this.refreshTimer = setTimeout(() => this.scheduleRefresh(), 5000);
      });
    }, wait);
  }
}
