// The last epoch we used per room, persisted in epochs.json so our epochs only go up across leave, re-join and restart.
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from './atomic-json';

const fileSchema = z.object({ v: z.literal(1), rooms: z.record(z.string().max(64), z.number().int().nonnegative().max(0xffffffff)) });

/** Rooms remembered at once; only rooms whose last epoch is ahead of the clock need an entry, so few ever do. */
export const MAX_EPOCH_ROOMS = 256;
const MAX_EPOCH = 0xffffffff;

export type EpochStoreEvent = { type: 'epochs-corrupt' | 'epochs-write-failed'; detail: string };

export class EpochStore {
  readonly file: string;
  private readonly last = new Map<string, number>();

  constructor(dataDir: string, private readonly now: () => number, private readonly onEvent: (e: EpochStoreEvent) => void) {
    this.file = path.join(dataDir, 'epochs.json');
    try {
      const stored = readJson(this.file);
      if (stored !== undefined) {
        const parsed = fileSchema.safeParse(stored);
        if (parsed.success) for (const [room, epoch] of Object.entries(parsed.data.rooms)) this.last.set(room, epoch);
        else this.onEvent({ type: 'epochs-corrupt', detail: 'schema' });
      }
    } catch (err) {
      this.onEvent({ type: 'epochs-corrupt', detail: (err as Error).name });
    }
  }

  private clockEpoch(): number {
    return Math.min(MAX_EPOCH, Math.floor(this.now() / 1000));
  }

  /** next = max(clock seconds, last + 1), where last is the larger of the caller's and the stored one; recorded before use. */
  next(roomId: string, after: number | null): number {
    const stored = this.last.get(roomId);
    const last = Math.max(after ?? -1, stored ?? -1);
    const epoch = Math.min(MAX_EPOCH, Math.max(this.clockEpoch(), last + 1));
    this.last.set(roomId, epoch);
    this.prune();
    this.save();
    return epoch;
  }

  lastEpoch(roomId: string): number | undefined {
    return this.last.get(roomId);
  }

  /** An entry the clock has passed is useless (the clock alone gives a larger epoch); over the cap the lowest goes. */
  private prune(): void {
    const clock = this.clockEpoch();
    for (const [room, epoch] of this.last) if (epoch < clock) this.last.delete(room);
    while (this.last.size > MAX_EPOCH_ROOMS) {
      const lowest = [...this.last.entries()].reduce((a, b) => (b[1] < a[1] ? b : a));
      this.last.delete(lowest[0]);
    }
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, { v: 1, rooms: Object.fromEntries(this.last) });
    } catch (err) {
      this.onEvent({ type: 'epochs-write-failed', detail: (err as Error).name });
    }
  }
}
