// Where each room's SFU lives (Janus instance, numeric room, room secret): in memory, or in Redis shared by every node.
import type { RedisClient } from '../stores/redis';

export interface SfuRoomRecord {
  /** The Janus API URL (server side) hosting the room. */
  janusUrl: string;
  room: number;
  /** The VideoRoom `secret` (destroy/edit); never sent to clients. */
  secret: string;
  createdAt: number;
}

export interface SfuRoomStore {
  get(roomId: string): Promise<SfuRoomRecord | null>;
  /** Records `rec` unless the room already has one; returns the record that holds (ours or the earlier one). */
  claim(roomId: string, rec: SfuRoomRecord): Promise<SfuRoomRecord>;
  /** Deletes the room's record only if it is still `rec`; true when this call removed it. */
  release(roomId: string, rec: SfuRoomRecord): Promise<boolean>;
  /** Rooms per Janus URL (for least-loaded placement). */
  load(): Promise<Map<string, number>>;
}

export class MemorySfuRoomStore implements SfuRoomStore {
  private readonly rooms = new Map<string, SfuRoomRecord>();
  async get(roomId: string) { return this.rooms.get(roomId) ?? null; }
  async claim(roomId: string, rec: SfuRoomRecord) {
    const held = this.rooms.get(roomId);
    if (held) return held;
    this.rooms.set(roomId, rec);
    return rec;
  }
  async release(roomId: string, rec: SfuRoomRecord) {
    const held = this.rooms.get(roomId);
    if (!held || held.room !== rec.room || held.janusUrl !== rec.janusUrl) return false;
    this.rooms.delete(roomId);
    return true;
  }
  async load() {
    const m = new Map<string, number>();
    for (const r of this.rooms.values()) m.set(r.janusUrl, (m.get(r.janusUrl) ?? 0) + 1);
    return m;
  }
}

// KEYS: record. ARGV: expected JSON. Deletes the record only if it is unchanged (another node may have replaced it).
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisSfuRoomStore implements SfuRoomStore {
  constructor(private readonly client: RedisClient, private readonly prefix: string) {}
  private key(roomId: string) { return `${this.prefix}:sfu:{${roomId}}`; }
  private get loadKey() { return `${this.prefix}:sfu-load`; }

  async get(roomId: string) {
    const raw = await this.client.get(this.key(roomId));
    return typeof raw === 'string' ? (JSON.parse(raw) as SfuRoomRecord) : null;
  }

  async claim(roomId: string, rec: SfuRoomRecord) {
    const set = await this.client.set(this.key(roomId), JSON.stringify(rec), { condition: 'NX' });
    if (set === 'OK') {
      await this.client.hIncrBy(this.loadKey, rec.janusUrl, 1);
      return rec;
    }
    return (await this.get(roomId)) ?? rec;
  }

  async release(roomId: string, rec: SfuRoomRecord) {
    const removed = Number(await this.client.eval(RELEASE_SCRIPT, { keys: [this.key(roomId)], arguments: [JSON.stringify(rec)] })) === 1;
    if (removed) await this.client.hIncrBy(this.loadKey, rec.janusUrl, -1);
    return removed;
  }

  async load() {
    const raw = await this.client.hGetAll(this.loadKey);
    return new Map(Object.entries(raw).map(([url, n]) => [url, Math.max(0, Number(n))]));
  }
}
