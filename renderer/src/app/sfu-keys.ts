// Keeps main's media-key service in step with one SFU call: who is in it, trust changes, sealed key blobs and frame-origin digests both ways.
import { FRAME_ORIGIN_LIMITS } from '../../../protocol/frame-origin';
import type { OpenedGroupChat } from '../../../protocol/group-chat';
import { errorText, unwrap } from '../lib/veil';
import { createKeyedFrameWorker } from '../sframe/key-port';
import { MediaKeyRelay } from '../sframe/media-key-relay';
import type { AppStore } from '../store';

export interface SfuKeysDeps {
  store: AppStore;
  roomId: string;
  /** Emits `media:key` {to, blob}; rejects with the server's error code (`rate-limited` is retried by the relay). */
  send(to: string, blob: string): Promise<unknown>;
  /** Emits `media:origin` {blob}: one of our signed frame-origin digests, for the whole room. */
  sendOrigin(blob: string): Promise<unknown>;
}

/** How often the page takes main's signed digests (twice per worker report, so none waits long). */
const ORIGIN_PUMP_MS = FRAME_ORIGIN_LIMITS.flushIntervalMs / 2;

/** Members main is told about: present, with a session open. Main's own gate decides who gets our key. */
function callMembers(store: AppStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of Object.values(store.getState().peers)) if (p.present && p.sessionOpen && p.peerId) out.set(p.peerId, p.identityKey);
  return out;
}

/** What a trust decision, a key notice or a revocation changes: any of these re-runs main's gate. */
function trustSignature(store: AppStore): string {
  const s = store.getState();
  const peers = Object.values(s.peers).map((p) => `${p.identityKey}:${p.trust}:${p.keyId}:${p.epoch}`).sort();
  return `${peers.join(',')}|${[...s.keyChanges].sort().join(',')}`;
}

export class SfuKeys {
  private readonly relay: MediaKeyRelay;
  private readonly announced = new Map<string, string>();
  private trust = '';
  /** Main's operations run one after another, in the order the page saw the changes. */
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private originPump: ReturnType<typeof setInterval> | null = null;
  /** Members' digests main refused (audited there); the page only counts them. */
  originRefused = 0;
  private stopped = false;

  private constructor(private readonly d: SfuKeysDeps, readonly worker: Worker) {
    this.relay = new MediaKeyRelay({
      roomId: d.roomId, media: window.veil.media, send: d.send,
      onProblem: (peerId, code) => {
        const who = Object.values(d.store.getState().peers).find((p) => p.peerId === peerId)?.displayName ?? 'a member';
        d.store.getState().pushAlert(`A media key for ${who} was not exchanged (${code})`);
      }
    });
  }

  /** Starts main's side of the call under our peer id, then a frame worker whose only keys come from main. */
  static async start(d: SfuKeysDeps, selfId: string): Promise<SfuKeys> {
    await unwrap(window.veil.media.startCall(d.roomId, selfId));
    const worker = await createKeyedFrameWorker();
    const keys = new SfuKeys(d, worker);
    keys.unsubscribe = d.store.subscribe(() => keys.sync());
    keys.sync();
    keys.originPump = setInterval(() => void keys.pumpOrigin(), ORIGIN_PUMP_MS);
    return keys;
  }

  /** A `media:key` server event (already schema-checked by the signaling client). */
  received(from: string, blob: string): void {
    this.queue(() => this.relay.received(from, blob));
  }

  /** A `chat:group` event, opened after every key blob and member change seen before it (its key may be one of them). */
  openGroupChat(from: string, blob: string): Promise<OpenedGroupChat> {
    const run = this.chain.then(() => unwrap(window.veil.media.openGroupChat(this.d.roomId, from, blob)));
    this.chain = run.then(() => undefined, () => undefined);
    return run;
  }

  /**
   * A `media:origin` event, checked after every key blob seen before it (it names a KID of that member's keys). A
   * refused digest proves nothing: the frames it would have covered go unproven in the worker.
   */
  originReceived(from: string, blob: string): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      await unwrap(window.veil.media.checkOrigin(this.d.roomId, from, blob)).catch(() => { this.originRefused++; });
    });
  }

  /** Sends what main signed of our own frames; a digest the server refuses is not retried (the next one covers newer frames). */
  private async pumpOrigin(): Promise<void> {
    if (this.stopped) return;
    const blobs = await unwrap(window.veil.media.takeOriginDigests(this.d.roomId)).catch(() => [] as string[]);
    for (const blob of blobs) void this.d.sendOrigin(blob).catch(() => undefined);
  }

  private sync(): void {
    if (this.stopped) return;
    const now = callMembers(this.d.store);
    for (const [peerId, identityKey] of this.announced) {
      if (now.get(peerId) === identityKey) continue;
      this.announced.delete(peerId);
      this.queue(() => this.relay.memberLeft(peerId));
    }
    for (const [peerId, identityKey] of now) {
      if (this.announced.has(peerId)) continue;
      this.announced.set(peerId, identityKey);
      this.queue(() => this.relay.memberJoined(peerId, identityKey));
    }
    const trust = trustSignature(this.d.store);
    if (trust !== this.trust) {
      this.trust = trust;
      this.queue(() => this.relay.syncTrust());
    }
  }

  private queue(op: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      await op().catch((err: unknown) => this.d.store.getState().pushAlert(`Media keys: ${errorText(err)}`));
    });
  }

  /** Main forgets the call's keys; the worker goes with them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.originPump) clearInterval(this.originPump);
    this.worker.terminate();
    await this.chain;
    await window.veil.media.stopCall(this.d.roomId).catch(() => undefined);
  }
}
