// Redis-backed store shared by several instances: members with heartbeat TTLs, capacity checked atomically, key directory.
import { createClient } from 'redis';
import type { WireKeyBundle } from '../../protocol/keys';
import type { Member, PeerId } from '../../protocol/signaling';
import type { KeyRecord, RefreshEntry, SignalingStore, StoreStatus } from './types';

export type RedisClient = ReturnType<typeof createClient>;

// KEYS: members hash, deadlines zset. ARGV: peerId, member JSON, capacity, now, ttl.
// Drops members whose heartbeat deadline passed, then adds this one if there is room.
const JOIN_SCRIPT = `
local now = tonumber(ARGV[4])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, p in ipairs(stale) do redis.call('HDEL', KEYS[1], p); redis.call('ZREM', KEYS[2], p) end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) * 2)
return 1`;

export interface RedisStoreOptions { prefix: string; presenceTtlMs: number; now?: () => number }

/** Retries forever with a capped backoff so the server outlives a Redis restart. */
export const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** Math.min(retries, 6), 2000);

export function createRedisClient(url: string, onError: (err: Error) => void): RedisClient {
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 2000 } });
  client.on('error', onError);
  return client;
}

export class RedisStore implements SignalingStore {
  private readonly now: () => number;

  constructor(private readonly client: RedisClient, private readonly opts: RedisStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  private membersKey(roomId: string) { return `${this.opts.prefix}:room:{${roomId}}:members`; }
  private deadlinesKey(roomId: string) { return `${this.opts.prefix}:room:{${roomId}}:alive`; }
  private keyKey(roomId: string, peerId: PeerId) { return `${this.opts.prefix}:key:{${roomId}}:${peerId}`; }

  async addMember(roomId: string, member: Member, capacity: number): Promise<boolean> {
    const r = await this.client.eval(JOIN_SCRIPT, {
      keys: [this.membersKey(roomId), this.deadlinesKey(roomId)],
      arguments: [member.peerId, JSON.stringify(member), String(capacity), String(this.now()), String(this.opts.presenceTtlMs)]
    });
    return Number(r) === 1;
  }

  async removeMember(roomId: string, peerId: PeerId): Promise<void> {
    await this.client.multi().hDel(this.membersKey(roomId), peerId).zRem(this.deadlinesKey(roomId), peerId).exec();
  }

  async listMembers(roomId: string): Promise<Member[]> {
    const alive = await this.client.zRangeByScore(this.deadlinesKey(roomId), this.now(), '+inf');
    if (alive.length === 0) return [];
    const raw = await this.client.hmGet(this.membersKey(roomId), alive);
    return raw.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s) as Member);
  }

  async getMember(roomId: string, peerId: PeerId): Promise<Member | null> {
    const [raw, deadline] = await Promise.all([
      this.client.hGet(this.membersKey(roomId), peerId), this.client.zScore(this.deadlinesKey(roomId), peerId)]);
    if (typeof raw !== 'string' || deadline === null || deadline < this.now()) return null;
    return JSON.parse(raw) as Member;
  }

  async updateMemberBundle(roomId: string, peerId: PeerId, bundle: WireKeyBundle): Promise<void> {
    const m = await this.getMember(roomId, peerId);
    if (!m) return;
    await this.client.hSet(this.membersKey(roomId), peerId, JSON.stringify({ ...m, bundle }));
  }

  async refreshMembers(entries: ReadonlyArray<RefreshEntry>): Promise<void> {
    if (entries.length === 0) return;
    const now = this.now();
    const deadline = now + this.opts.presenceTtlMs;
    const m = this.client.multi();
    for (const { roomId, member, key } of entries) {
      if (key && key.expiresAt > now) {
        m.set(this.keyKey(roomId, member.peerId), JSON.stringify(key.record), { PX: key.expiresAt - now, condition: 'NX' });
      }
      // HSET again so a Redis that restarted empty learns our members back.
      m.hSet(this.membersKey(roomId), member.peerId, JSON.stringify(member));
      m.zAdd(this.deadlinesKey(roomId), { score: deadline, value: member.peerId });
      m.pExpire(this.membersKey(roomId), this.opts.presenceTtlMs * 2);
      m.pExpire(this.deadlinesKey(roomId), this.opts.presenceTtlMs * 2);
    }
    await m.exec();
  }

  async getKey(roomId: string, peerId: PeerId): Promise<KeyRecord | null> {
    const raw = await this.client.get(this.keyKey(roomId, peerId));
    return typeof raw === 'string' ? (JSON.parse(raw) as KeyRecord) : null;
  }

  async putKey(roomId: string, peerId: PeerId, record: KeyRecord, ttlMs: number): Promise<void> {
    await this.client.set(this.keyKey(roomId, peerId), JSON.stringify(record), { PX: ttlMs });
  }

  async deleteKey(roomId: string, peerId: PeerId): Promise<void> {
    await this.client.del(this.keyKey(roomId, peerId));
  }

  status(): StoreStatus { return this.client.isReady ? 'ready' : 'down'; }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }
}
