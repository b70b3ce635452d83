// Runs the room's SFU call when the server says `sfu`: starts, refreshes and stops it, feeds it the room's members, writes its events to the store.
import type { OpenedGroupChat } from '../../../protocol/group-chat';
import type { RoomPath, SfuPath } from '../../../protocol/sfu';
import type { MediaServerAnswer } from '../lib/media-servers';
import { loadPrefs } from '../lib/storage';
import { errorText } from '../lib/veil';
import { SfuCall, type SfuCallOptions } from '../rtc/sfu/sfu-call';
import type { SimulcastLayer } from '../rtc/sfu/subscriber';
import type { AppStore } from '../store';

/** Key blobs held while our call keys start (a few per member of a full room). */
const EARLY_KEY_BLOBS = 128;

/** A failed SFU call the server still routes us to is started again after 2, 4, then 8 s; then it shows. */
export const SFU_RETRIES = 3;
const SFU_RETRY_BASE_MS = 2000;
/** Only a call that stayed live this long earns fresh restarts: a server whose calls go live and fail at once gets 3 per room. */
const SFU_STABLE_MS = 60_000;

/** Tiles narrower than this take the low simulcast layer. */
export const LOW_LAYER_BELOW_PX = 400;

export interface SfuControllerDeps {
  store: AppStore;
  /** Main's side of the call's media keys and a frame worker whose only keys are main's (without keys it drops every frame). */
  startKeys(selfId: string): Promise<CallKeys>;
  rtc(): RTCConfiguration;
  /** What we send now: the microphone and either the camera or the shared screen. */
  outgoingStream(): MediaStream | null;
  refreshPath(): Promise<RoomPath>;
  /**
   * Main's answer for the call's media server: usable now, or allowed only from the next page load (its CSP). An answer
   * already known in this page comes back at once, so the call's first requests leave before anything else runs.
   */
  allowMediaServer(url: string): MediaServerAnswer | Promise<MediaServerAnswer>;
  /** The call itself (tests give a stand-in; the app the real one). */
  makeCall?: (o: SfuCallOptions) => SfuCall;
}

/** One SFU call's media keys: the keyed frame worker, the sealed blobs the server relays to us, and the end of both. */
export interface CallKeys {
  readonly worker: Worker;
  received(from: string, blob: string): void;
  /** Main opens a room chat message from `from` (PROTOCOL.md §22), after the key blobs received before it. */
  openGroupChat(from: string, blob: string): Promise<OpenedGroupChat>;
  /** A member's frame-origin digest (PROTOCOL.md §22a) for main to check and hand to the worker. */
  originReceived(from: string, blob: string): void;
  stop(): Promise<void>;
}

/** Peer ids whose feeds we show: present members with an open session and no key change waiting for the user. */
export function sfuMembers(store: AppStore): Set<string> {
  const s = store.getState();
  return new Set(Object.values(s.peers).filter((p) => p.present && p.sessionOpen && !s.keyChanges.includes(p.identityKey)).map((p) => p.peerId));
}

export class SfuController {
  private call: SfuCall | null = null;
  private keys: CallKeys | null = null;
  /** Settles once the keys of the call we started last are up or have failed. */
  private keysStarting: Promise<void> = Promise.resolve();
  private keysPending = false;
  /** Key blobs that arrive before our side of the call is up (members key us as soon as they see us): bounded, replayed once it is. */
  private early: [string, string][] = [];
  private unsubscribe: (() => void) | null = null;
  private refusals = new Set<string>();
  /** Restarts since the call was last live for SFU_STABLE_MS; reset then, by a new room or a stop from the path. */
  private retries = 0;
  private liveSince: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly d: SfuControllerDeps) {}

  private get s() { return this.d.store.getState(); }

  /** True while the call's media goes through the SFU (the mesh then carries chat and files only). */
  get active(): boolean { return this.call !== null; }

  /** A path from the join ack, `room:path` or a refresh: start, keep (new tokens), or stop the SFU call. */
  async apply(path: RoomPath | undefined): Promise<void> {
    if (!path || path.path === 'mesh') { this.cancelRetry(); this.retries = 0; return this.stop(); }
    // Fresh tokens for the call we run (a restart already waiting keeps waiting). A re-join gives us a new peer id: our
    // feed must be published again under it.
    if (this.call && this.call.room === path.room && this.call.selfId === this.s.selfId) return this.call.updatePath(path);
    this.cancelRetry();
    if (this.call?.room !== path.room) this.retries = 0;
    // With nothing to stop, the call starts in this same task: its Janus socket and main's keys are under way before
    // the page renders the call view and opens the members' sessions.
    if (this.call || this.keys || this.keysPending) await this.stop();
    await this.start(path);
  }

  setTileWidth(px: number): void {
    const layer: SimulcastLayer = px > 0 && px < LOW_LAYER_BELOW_PX ? 'low' : 'high';
    this.call?.setLayer(layer);
  }

  private async start(path: SfuPath): Promise<void> {
    const selfId = this.s.selfId;
    if (!selfId) return;
    const store = this.d.store;
    const answer = (() => { try { return this.d.allowMediaServer(path.url); } catch { return 'refused' as const; } })();
    const allowed = typeof answer === 'string' ? answer : await answer.catch(() => 'refused' as const);
    if (allowed !== 'usable') {
      const reason = allowed === 'after-reload' ? 'the media server is allowed now; leave and join again to use it' : 'the media server is not allowed';
      this.s.setSfu({ state: 'failed', room: path.room, reason, expiresAt: path.expiresAt });
      this.s.pushAlert(`The SFU call cannot start: ${reason}`);
      return;
    }
    // Main's call keys and the frame worker start alongside the Janus session and our publisher join (sfu-call.ts).
    let call: SfuCall | null = null;
    const starting = this.d.startKeys(selfId).then((keys) => {
      // A call stopped while its keys started: they go with it.
      if (this.call !== call) { void keys.stop().catch(() => undefined); throw new Error('the SFU call was stopped'); }
      this.keys = keys;
      for (const [from, blob] of this.early.splice(0)) keys.received(from, blob);
      return keys.worker;
    });
    const settled = starting.then(() => undefined, () => undefined);
    this.keysStarting = settled;
    this.keysPending = true;
    void settled.then(() => { if (this.keysStarting === settled) this.keysPending = false; });
    call = (this.d.makeCall ?? ((o) => new SfuCall(o)))({
      path, selfId, worker: starting, members: () => sfuMembers(store), rtc: () => this.d.rtc(),
      maxVideoFeeds: () => loadPrefs().sfuVideoFeeds || Infinity,
      refreshPath: async () => {
        const p = await this.d.refreshPath();
        if (p.path !== 'sfu') throw new Error('the server moved the room off the SFU');
        return p;
      }
    });
    this.call = call;
    this.s.setSfu({ state: 'connecting', room: path.room, reason: null, expiresAt: path.expiresAt });
    call.events.on('tokens', (expiresAt) => this.s.setSfu({ expiresAt }));
    call.events.on('state', (state, reason) => {
      // A call we already stopped (the path changed) may still report closing: it no longer speaks for the room.
      if (this.call !== call) return;
      this.s.setSfu({ state, reason: reason ?? null });
      if (state === 'live') this.liveSince = Date.now();
      if (state === 'failed') void this.failed(call, reason);
    });
    call.events.on('feed', (feedId, f) => this.s.upsertFeed({ feedId, ...f }));
    call.events.on('feed-gone', (feedId) => this.s.removeFeed(feedId));
    call.events.on('send', (status) => this.s.setSfu({ send: status.state }));
    call.events.on('refused', (e) => {
      // One alert per kind: a hostile SFU cannot flood the banner. A stopped call's leftovers are not the room's.
      if (this.call !== call || this.refusals.has(e.code)) return;
      this.refusals.add(e.code);
      this.s.pushAlert(`Refused a message from the SFU (${e.code}): ${e.message}`);
    });
    // Membership and trust live in the store: every change re-checks which feeds may be shown.
    let last = '';
    this.unsubscribe = store.subscribe(() => {
      const key = [...sfuMembers(store)].sort().join(',');
      if (key !== last) { last = key; call.membersChanged(); }
    });
    const [keysUp, callUp] = await Promise.allSettled([starting, call.start(this.d.outgoingStream())]);
    const failed = callUp.status === 'rejected' ? callUp : keysUp.status === 'rejected' ? keysUp : null;
    if (failed && this.call === call) this.s.setSfu({ state: 'failed', reason: errorText(failed.reason) });
  }

  /** Our outgoing track of one kind changed; the SFU call (if any) sends it on the same sender. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await this.call?.replaceTrack(kind, track);
  }

  /**
   * A failed call may only mean the room went back to the mesh and Janus closed its room before the server's
   * `room:path` reached us: ask the server (a `mesh` answer is applied by `refreshPath`), and alert only otherwise.
   */
  private async failed(call: SfuCall, reason: string | undefined): Promise<void> {
    if (this.liveSince !== null && Date.now() - this.liveSince >= SFU_STABLE_MS) this.retries = 0;
    this.liveSince = null;
    const path = await this.d.refreshPath().catch(() => null);
    if (this.call !== call || path?.path === 'mesh') return;
    if (path?.path === 'sfu' && this.retries < SFU_RETRIES) {
      // Still routed to the SFU: a Janus restart or a network blip should not end the call's media.
      const delay = SFU_RETRY_BASE_MS * 2 ** this.retries++;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.call === call) void this.restart(path);
      }, delay);
      return;
    }
    this.s.pushAlert(`The SFU call stopped: ${reason ?? 'unknown reason'}`);
  }

  private async restart(path: SfuPath): Promise<void> {
    await this.stop();
    await this.start(path);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A `media:key` server event: a sealed key blob for main, while a call runs. */
  onMediaKey(from: string, blob: string): void {
    if (this.keys) return this.keys.received(from, blob);
    if (this.early.length >= EARLY_KEY_BLOBS) this.early.shift();
    this.early.push([from, blob]);
  }

  /** A `media:origin` event: only a running call has frames it could prove (one that arrives before is of frames we never opened). */
  onFrameOrigin(from: string, blob: string): void {
    this.keys?.originReceived(from, blob);
  }

  /** A `chat:group` event: only a running call holds the keys it needs. */
  openGroupChat(from: string, blob: string): Promise<OpenedGroupChat> {
    if (!this.keys) return Promise.reject(new Error('no SFU call: room messages cannot be opened'));
    return this.keys.openGroupChat(from, blob);
  }

  /** The worker and main's call keys go with the call: a later call starts with fresh keys. */
  async stop(): Promise<void> {
    const call = this.call;
    const keys = this.keys;
    this.call = null;
    this.keys = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (call) await call.stop().catch(() => undefined);
    if (keys) await keys.stop().catch(() => undefined);
    // Keys still starting are stopped as they come up (start's check); the next call's keys start after that.
    await this.keysStarting;
    this.s.clearSfu();
  }

  /** Leaving the room. */
  async close(): Promise<void> {
    this.cancelRetry();
    this.early = [];
    await this.stop();
  }
}
