// The store interface behind presence (room members) and the key directory: memory or Redis.
import type { WireKeyBundle } from '../../protocol/keys';
import type { Member, PeerId } from '../../protocol/signaling';

/** A key directory entry: the latest bundle (null once revoked) and the highest epoch seen. */
export interface KeyRecord { bundle: WireKeyBundle | null; epoch: number; identityKey: string }

/** A local member re-asserted by the heartbeat, with its key entry (restored only if missing). */
export interface RefreshEntry { roomId: string; member: Member; key?: { record: KeyRecord; expiresAt: number } }

export type StoreStatus = 'memory' | 'ready' | 'down';

export interface SignalingStore {
  /** Adds or replaces a member if the room has room for one more; false when full. */
  addMember(roomId: string, member: Member, capacity: number): Promise<boolean>;
  removeMember(roomId: string, peerId: PeerId): Promise<void>;
  listMembers(roomId: string): Promise<Member[]>;
  getMember(roomId: string, peerId: PeerId): Promise<Member | null>;
  /** Updates the bundle shown in a member's record (after publish or rotation). */
  updateMemberBundle(roomId: string, peerId: PeerId, bundle: WireKeyBundle): Promise<void>;
  /** Heartbeat: re-asserts the given local members (re-creating them if the backend lost them). */
  refreshMembers(entries: ReadonlyArray<RefreshEntry>): Promise<void>;
  getKey(roomId: string, peerId: PeerId): Promise<KeyRecord | null>;
  putKey(roomId: string, peerId: PeerId, record: KeyRecord, ttlMs: number): Promise<void>;
  deleteKey(roomId: string, peerId: PeerId): Promise<void>;
  status(): StoreStatus;
  close(): Promise<void>;
}
