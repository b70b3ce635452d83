// The SFU path of rooms: when a room uses Janus (and when it goes back to the mesh), which instance hosts it, creation, teardown, tokens, health.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { RoomPath, SfuPath } from '../../protocol/sfu';
import { JANUS_ROOM_EXISTS, JanusClient, JanusError } from './janus-client';
import type { SfuRoomRecord, SfuRoomStore } from './room-store';
import { janusCoreToken, janusRoomToken } from './tokens';

export interface SfuConfig {
  janusUrls: string[];
  janusPublicUrls: string[];
  janusApiSecret: string;
  janusAdminKey?: string | undefined;
  janusTokenSecret: string;
  janusTokenTtlSec: number;
  sfuThreshold: number;
  /** How far below the threshold a room must shrink before it leaves the SFU (see `meshAtMost`). */
  sfuHysteresis: number;
  /** A room stays on the SFU at least this long after its Janus room was made, however small it gets (unless empty). */
  sfuMinDwellMs: number;
  sfuRooms: string[];
  janusHealthMs: number;
  /** Publishers a Janus room admits (the room capacity). */
  publishers: number;
}

export interface SfuMetrics { roomsCreated: () => void; roomsDestroyed: () => void; tokenIssued: () => void; failure: (op: string) => void }

/** Thrown when a room should use the SFU and no Janus instance could host it; the message is safe to show clients. */
export class SfuUnavailableError extends Error {}

/** `insecure`: its `info` says token auth is off, so any client could use it: never placed on. */
interface Instance { url: string; publicUrl: string; client: JanusClient; up: boolean | null; insecure: boolean; lastError?: string }

/** A change of a room's path as the manager decided it; handlers announce `path` to the room when `switched`. */
export interface PathDecision {
  path: RoomPath;
  /** This call changed the room's path (created its SFU room, or released it): the room's other members must hear it. */
  switched: boolean;
  /** Destroys the Janus room this decision retired (never rejects; a no-op when there is none): run after announcing, so members hear the path before Janus closes the room under them. */
  teardown: () => Promise<void>;
}

/** Smallest room that may still leave the SFU by shrinking (smaller rooms would only flap on one join). */
const MESH_FLOOR = 2;
const nothing = () => Promise.resolve();

/** Ids Janus rooms get: random, so one room's id tells nothing about another's (below 2^48 for randomInt). */
const newJanusRoomId = () => randomInt(1, 2 ** 48 - 1);

export class SfuManager {
  private readonly instances: Instance[];
  private readonly creating = new Map<string, Promise<{ rec: SfuRoomRecord; created: boolean }>>();
  private readonly healthTimer: NodeJS.Timeout;
  /** SFU rooms with members on this node (for the gauge; other nodes count their own). */
  private readonly known = new Set<string>();
  /** Rooms small enough for the mesh but still within their dwell: one timer each, to look again when it ends. */
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private dwellEnded: (roomId: string) => void = () => {};

  constructor(private readonly cfg: SfuConfig, private readonly store: SfuRoomStore, private readonly log: Logger,
    private readonly metrics: SfuMetrics, private readonly now: () => number) {
    this.instances = cfg.janusUrls.map((url, i) => ({
      url, publicUrl: cfg.janusPublicUrls[i] ?? url, up: null, insecure: false,
      client: new JanusClient({ url, apiSecret: cfg.janusApiSecret, adminKey: cfg.janusAdminKey ?? cfg.janusApiSecret })
    }));
    this.healthTimer = setInterval(() => { void this.checkHealth(); }, cfg.janusHealthMs);
    this.healthTimer.unref();
  }

  /** Whether a room of this size (or by setting) should use the SFU. */
  wantsSfu(roomId: string, members: number): boolean {
    return this.cfg.sfuRooms.includes(roomId) || members > this.cfg.sfuThreshold;
  }

  /**
   * Rooms on the SFU go back to the mesh at this many members or fewer: `SFU_HYSTERESIS` below the threshold, but never
   * below 2 members (nor above the threshold), so one leave at the threshold keeps the room where it is.
   */
  get meshAtMost(): number {
    const t = this.cfg.sfuThreshold;
    return t < MESH_FLOOR ? t : Math.max(MESH_FLOOR, t - this.cfg.sfuHysteresis);
  }

  /** Whether a room now on the SFU should go back to the mesh at this size (`SFU_ROOMS` rooms never do). */
  wantsMesh(roomId: string, members: number): boolean {
    return !this.cfg.sfuRooms.includes(roomId) && members <= this.meshAtMost;
  }

  get knownRooms(): number { return this.known.size; }

  /** Who looks at a room again when a way back to the mesh held by the dwell becomes possible (the handlers, with the member count). */
  onDwellEnd(fn: (roomId: string) => void): void { this.dwellEnded = fn; }

  /**
   * A shrunk room whose SFU room is younger than `SFU_MIN_DWELL_MS` stays on the SFU, and is looked at again once the
   * dwell ends. Members joining and leaving at the boundary can then move the room at most twice per dwell (there and
   * back), instead of on every join and leave: each move renegotiates every member's media and makes or destroys a
   * Janus room.
   */
  private heldByDwell(roomId: string, rec: SfuRoomRecord): boolean {
    const left = rec.createdAt + this.cfg.sfuMinDwellMs - this.now();
    if (left <= 0) return false;
    if (!this.rechecks.has(roomId)) {
      this.log.info({ event: 'sfu:path-held', roomId, ms: left }, 'room small enough for the mesh stays on the SFU until its minimum dwell ends');
      const timer = setTimeout(() => { this.rechecks.delete(roomId); this.dwellEnded(roomId); }, left + 1);
      timer.unref();
      this.rechecks.set(roomId, timer);
    }
    return true;
  }

  private cancelRecheck(roomId: string): void {
    clearTimeout(this.rechecks.get(roomId));
    this.rechecks.delete(roomId);
  }

  /** The Janus addresses members are sent to (the public ones), for clients to allow before they join. */
  get publicUrls(): string[] { return [...new Set(this.instances.map((i) => i.publicUrl))]; }

  /** This node has no member of the room any more (the room may live on through other nodes). */
  forgetLocal(roomId: string): void { this.known.delete(roomId); }

  /**
   * The path for a member of `roomId` (joining, or refreshing its tokens): the room's SFU while it has one and has not
   * shrunk to `meshAtMost`; created now if the room has grown past the threshold; released (back to the mesh) when a
   * room still on the SFU is found small enough, as after members vanished without a leave.
   */
  async pathFor(roomId: string, members: number): Promise<PathDecision> {
    const held = await this.store.get(roomId);
    if (held && this.wantsMesh(roomId, members) && !this.heldByDwell(roomId, held)) return this.retire(roomId, held);
    if (held) { this.known.add(roomId); return { path: this.sfuPath(held), switched: false, teardown: nothing }; }
    if (!this.wantsSfu(roomId, members)) return { path: { path: 'mesh' }, switched: false, teardown: nothing };
    // Only the call that started the creation, and only if this node's room won, announces the switch.
    const first = !this.creating.has(roomId);
    const { rec, created } = await this.ensureRoom(roomId);
    return { path: this.sfuPath(rec), switched: first && created, teardown: nothing };
  }

  /**
   * After a leave, with `members` left: an empty room's SFU room is destroyed; a room that shrank to `meshAtMost` goes
   * back to the mesh (`switched`: its remaining members must hear `{path:'mesh'}`). Never throws.
   */
  async afterLeave(roomId: string, members: number): Promise<PathDecision> {
    const mesh: PathDecision = { path: { path: 'mesh' }, switched: false, teardown: nothing };
    if (members > 0 && !this.wantsMesh(roomId, members)) return mesh;
    try {
      const held = await this.store.get(roomId);
      if (!held) return mesh;
      // Still on the SFU and nobody is told anything (no tokens minted: the remaining members hold theirs).
      if (members > 0 && this.heldByDwell(roomId, held)) return mesh;
      const decision = await this.retire(roomId, held);
      return { ...decision, switched: decision.switched && members > 0 };
    } catch (err) {
      this.metrics.failure('destroy');
      this.log.warn({ event: 'sfu:destroy-failed', roomId, err: (err as Error).message }, 'SFU room teardown failed');
      return mesh;
    }
  }

  /**
   * Takes the room off the SFU: its record goes first (compare-and-delete, so of several nodes seeing the same shrink
   * exactly one wins and announces), then its Janus room is destroyed. A later growth creates a new Janus room.
   */
  private async retire(roomId: string, rec: SfuRoomRecord): Promise<PathDecision> {
    this.known.delete(roomId);
    this.cancelRecheck(roomId);
    const released = await this.store.release(roomId, rec);
    return { path: { path: 'mesh' }, switched: released, teardown: released ? () => this.destroy(roomId, rec) : nothing };
  }

  /** Fresh tokens for the room's existing SFU room. */
  sfuPath(rec: SfuRoomRecord): SfuPath {
    const inst = this.instances.find((i) => i.url === rec.janusUrl);
    if (!inst) throw new SfuUnavailableError('the SFU hosting this room is not configured here');
    const expirySec = Math.floor(this.now() / 1000) + this.cfg.janusTokenTtlSec;
    this.metrics.tokenIssued();
    return {
      path: 'sfu', url: inst.publicUrl, room: rec.room,
      token: janusCoreToken(this.cfg.janusTokenSecret, expirySec),
      roomToken: janusRoomToken(this.cfg.janusTokenSecret, expirySec, rec.room),
      expiresAt: expirySec * 1000
    };
  }

  /** Creates the room on the least-loaded reachable instance (one creation per room on this node at a time). */
  ensureRoom(roomId: string): Promise<{ rec: SfuRoomRecord; created: boolean }> {
    let p = this.creating.get(roomId);
    if (!p) {
      p = this.create(roomId).finally(() => this.creating.delete(roomId));
      this.creating.set(roomId, p);
    }
    return p;
  }

  private async create(roomId: string): Promise<{ rec: SfuRoomRecord; created: boolean }> {
    const held = await this.store.get(roomId);
    if (held) return { rec: held, created: false };
    const errors: string[] = [];
    for (const inst of await this.placement(roomId)) {
      const rec: SfuRoomRecord = { janusUrl: inst.url, room: newJanusRoomId(), secret: randomBytes(24).toString('base64url'), createdAt: this.now() };
      try {
        await this.createOn(inst, rec);
      } catch (err) {
        inst.up = err instanceof JanusError && err.kind === 'refused' ? inst.up : false;
        inst.lastError = (err as Error).message;
        errors.push(`${inst.url}: ${(err as Error).message}`);
        this.metrics.failure('create');
        continue;
      }
      const winner = await this.store.claim(roomId, rec);
      if (winner !== rec) {
        // Another node created the room first: use its room and drop ours.
        await inst.client.destroyRoom(rec.room, rec.secret).catch(() => undefined);
      } else {
        this.metrics.roomsCreated();
        this.log.info({ event: 'sfu:room-created', roomId, janus: inst.url, room: rec.room }, 'SFU room created');
      }
      this.known.add(roomId);
      return { rec: winner, created: winner === rec };
    }
    this.log.warn({ event: 'sfu:unavailable', roomId, errors }, 'no Janus instance could host the room');
    throw new SfuUnavailableError('no SFU instance is reachable; retry later');
  }

  private async createOn(inst: Instance, rec: SfuRoomRecord): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await inst.client.createRoom({ room: rec.room, publishers: this.cfg.publishers, secret: rec.secret });
        inst.up = true;
        return;
      } catch (err) {
        // A random 48-bit id taken: draw another (bounded).
        if (err instanceof JanusError && err.code === JANUS_ROOM_EXISTS && attempt < 3) { rec.room = newJanusRoomId(); continue; }
        throw err;
      }
    }
  }

  /** Instances to try, best first: reachable (or unknown) before down, then fewest rooms, then by a hash of the room id. */
  private async placement(roomId: string): Promise<Instance[]> {
    const load = await this.store.load().catch(() => new Map<string, number>());
    const rank = (i: Instance) => createHash('sha256').update(`${roomId}\n${i.url}`).digest().readUInt32BE(0);
    return this.instances.filter((i) => !i.insecure).sort((a, b) => Number(a.up === false) - Number(b.up === false)
      || (load.get(a.url) ?? 0) - (load.get(b.url) ?? 0) || rank(a) - rank(b));
  }

  /** Destroys a released Janus room. Never throws. */
  private async destroy(roomId: string, rec: SfuRoomRecord): Promise<void> {
    try {
      const inst = this.instances.find((i) => i.url === rec.janusUrl);
      await inst?.client.destroyRoom(rec.room, rec.secret);
      this.metrics.roomsDestroyed();
      this.log.info({ event: 'sfu:room-destroyed', roomId, janus: rec.janusUrl, room: rec.room }, 'SFU room destroyed');
    } catch (err) {
      this.metrics.failure('destroy');
      this.log.warn({ event: 'sfu:destroy-failed', roomId, err: (err as Error).message }, 'SFU room teardown failed');
    }
  }

  /** Asks every instance for `info` and keeps its session alive; returns how many answered. */
  async checkHealth(): Promise<{ up: number; total: number }> {
    await Promise.all(this.instances.map(async (inst) => {
      try {
        const info = await inst.client.info();
        inst.insecure = !info.tokenAuth;
        if (inst.insecure) throw new Error('token_auth is off: any client could use this Janus; not used');
        await inst.client.keepaliveNow();
        if (inst.up === false) this.log.info({ janus: inst.url }, 'Janus reachable again');
        inst.up = true;
      } catch (err) {
        if (inst.up !== false) this.log.warn({ janus: inst.url, err: (err as Error).message }, 'Janus unreachable');
        inst.up = false;
        inst.lastError = (err as Error).message;
      }
    }));
    return this.health();
  }

  /** Last known reachability (instances never checked count as down). */
  health(): { up: number; total: number } {
    return { up: this.instances.filter((i) => i.up === true).length, total: this.instances.length };
  }

  close(): void {
    clearInterval(this.healthTimer);
    for (const roomId of [...this.rechecks.keys()]) this.cancelRecheck(roomId);
    for (const i of this.instances) i.client.close();
  }
}
