// Peer room keys revoked per (room, peer identity), persisted in revocations.json until they expire; bounded, never crashes.
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from './atomic-json';

export interface RevokedKey { roomId: string; identityKey: string; keyId: string; expiresAt: number }

const fileSchema = z.object({
  v: z.literal(1),
  revoked: z.array(z.object({ roomId: z.string().max(64), identityKey: z.string().max(64), keyId: z.string().max(32),
    expiresAt: z.number().int().nonnegative() }))
});

/** Most revoked ids kept per (room, peer identity), and in all: each entry costs ~150 bytes of disk and memory. */
export const MAX_REVOKED_PER_PEER = 64;
export const MAX_REVOKED_TOTAL = 4096;

export type RevocationStoreEvent = { type: 'revocations-corrupt' | 'revocations-write-failed' | 'revocation-evicted'; detail: string };

export class RevocationStore {
  readonly file: string;
  private entries: RevokedKey[] = [];

  constructor(dataDir: string, private readonly now: () => number, private readonly onEvent: (e: RevocationStoreEvent) => void,
    private readonly caps = { perPeer: MAX_REVOKED_PER_PEER, total: MAX_REVOKED_TOTAL }) {
    this.file = path.join(dataDir, 'revocations.json');
    try {
      const stored = readJson(this.file);
      if (stored !== undefined) {
        const parsed = fileSchema.safeParse(stored);
        if (parsed.success) this.entries = parsed.data.revoked.slice(-this.caps.total);
        else this.onEvent({ type: 'revocations-corrupt', detail: 'schema' });
      }
    } catch (err) {
      this.onEvent({ type: 'revocations-corrupt', detail: (err as Error).name });
    }
    this.prune();
  }

  private static same(e: RevokedKey, roomId: string, identityKey: string): boolean {
    return e.roomId === roomId && e.identityKey === identityKey;
  }

  has(roomId: string, identityKey: string, keyId: string): boolean {
    this.prune();
    return this.entries.some((e) => e.keyId === keyId && RevocationStore.same(e, roomId, identityKey));
  }

  count(): number {
    this.prune();
    return this.entries.length;
  }

  /**
   * Remembers a revoked key until `expiresAt`. Over the per-peer cap that peer's entry expiring first goes (closest to
   * harmless); over the total cap, the same from the (room, identity) holding the most entries, so identities flooding
   * their own revocations cannot push out the few of anyone else.
   */
  add(entry: RevokedKey): void {
    this.prune();
    if (this.has(entry.roomId, entry.identityKey, entry.keyId)) return;
    this.entries.push({ ...entry });
    const mine = this.entries.filter((e) => RevocationStore.same(e, entry.roomId, entry.identityKey));
    if (mine.length > this.caps.perPeer) this.evict(mine);
    if (this.entries.length > this.caps.total) this.evict(this.largestGroup());
    this.save();
  }

  private largestGroup(): RevokedKey[] {
    const groups = new Map<string, RevokedKey[]>();
    for (const e of this.entries) {
      const k = `${e.roomId}\n${e.identityKey}`;
      const g = groups.get(k);
      if (g) g.push(e);
      else groups.set(k, [e]);
    }
    let largest: RevokedKey[] = [];
    for (const g of groups.values()) if (g.length > largest.length) largest = g;
    return largest;
  }

  private evict(among: RevokedKey[]): void {
    const victim = among.reduce((a, b) => (b.expiresAt < a.expiresAt ? b : a));
    this.entries = this.entries.filter((e) => e !== victim);
    this.onEvent({ type: 'revocation-evicted', detail: victim.keyId });
  }

  /** Drops entries whose key has expired: such a key is refused as expired anyway. */
  private prune(): void {
    const t = this.now();
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.expiresAt > t);
    if (this.entries.length !== before) this.save();
  }

  /** A failed write keeps the entries in memory (still enforced until restart) and is audited. */
  private save(): void {
    try {
      writeJsonAtomic(this.file, { v: 1, revoked: this.entries });
    } catch (err) {
      this.onEvent({ type: 'revocations-write-failed', detail: (err as Error).name });
    }
  }
}
