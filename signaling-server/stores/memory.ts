// In-memory store for a single instance: rooms, members and a key directory with TTLs from an injectable clock.
import type { Member, PeerId } from '../../protocol/signaling';
import type { WireKeyBundle } from '../../protocol/keys';
import type { KeyRecord, RefreshEntry, SignalingStore, StoreStatus } from './types';

export class MemoryStore implements SignalingStore {
  private readonly rooms = new Map<string, Map<PeerId, Member>>();
  private readonly keys = new Map<string, { record: KeyRecord; expiresAt: number }>();
  private sweepCount = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async addMember(roomId: string, member: Member, capacity: number): Promise<boolean> {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    if (!room.has(member.peerId) && room.size >= capacity) return false;
    room.set(member.peerId, member);
    return true;
  }

  async removeMember(roomId: string, peerId: PeerId): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.delete(peerId);
    if (room.size === 0) this.rooms.delete(roomId);
  }

  async listMembers(roomId: string): Promise<Member[]> {
    return [...(this.rooms.get(roomId)?.values() ?? [])];
  }

  async getMember(roomId: string, peerId: PeerId): Promise<Member | null> {
    return this.rooms.get(roomId)?.get(peerId) ?? null;
  }

  async updateMemberBundle(roomId: string, peerId: PeerId, bundle: WireKeyBundle): Promise<void> {
    const m = this.rooms.get(roomId)?.get(peerId);
    if (m) m.bundle = bundle;
  }

  async refreshMembers(_entries: ReadonlyArray<RefreshEntry>): Promise<void> {
    // Members live exactly as long as their sockets here; only expired keys need sweeping.
    this.sweep();
  }

  async getKey(roomId: string, peerId: PeerId): Promise<KeyRecord | null> {
    const k = `${roomId}\n${peerId}`;
    const e = this.keys.get(k);
    if (!e) return null;
    if (e.expiresAt <= this.now()) { this.keys.delete(k); return null; }
    return e.record;
  }

  async putKey(roomId: string, peerId: PeerId, record: KeyRecord, ttlMs: number): Promise<void> {
    this.keys.set(`${roomId}\n${peerId}`, { record, expiresAt: this.now() + ttlMs });
    if (++this.sweepCount % 1024 === 0) this.sweep();
  }

  async deleteKey(roomId: string, peerId: PeerId): Promise<void> {
    this.keys.delete(`${roomId}\n${peerId}`);
  }

  /** Rooms with at least one member. */
  roomCount(): number { return this.rooms.size; }

  status(): StoreStatus { return 'memory'; }

  async close(): Promise<void> { this.rooms.clear(); this.keys.clear(); }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.keys) if (e.expiresAt <= now) this.keys.delete(k);
  }
}
