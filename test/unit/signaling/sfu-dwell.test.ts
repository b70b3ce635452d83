// The SFU minimum dwell: a shrunk room stays on the SFU until its Janus room is SFU_MIN_DWELL_MS old, is looked at again then, and an empty room never waits.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SfuManager, type SfuConfig } from '../../../signaling-server/sfu/manager';
import { MemorySfuRoomStore, type SfuRoomRecord } from '../../../signaling-server/sfu/room-store';

const noMetrics = { roomsCreated: () => {}, roomsDestroyed: () => {}, tokenIssued: () => {}, failure: () => {} };
const JANUS = 'ws://127.0.0.1:9';
const DWELL = 60_000;

let clock: number;
let store: MemorySfuRoomStore;
let m: SfuManager;
let dwellEnded: ReturnType<typeof vi.fn<(roomId: string) => void>>;
const rec = (createdAt: number): SfuRoomRecord => ({ janusUrl: JANUS, room: 7, secret: 's', createdAt });

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_800_000_000_000;
  store = new MemorySfuRoomStore();
  const cfg: SfuConfig = { janusUrls: [JANUS], janusPublicUrls: [], janusApiSecret: 'a'.repeat(16), janusTokenSecret: 'b'.repeat(16),
    janusTokenTtlSec: 600, sfuThreshold: 2, sfuHysteresis: 2, sfuMinDwellMs: DWELL, sfuRooms: [], janusHealthMs: 600_000, publishers: 50 };
  m = new SfuManager(cfg, store, pino({ level: 'silent' }), noMetrics, () => clock);
  dwellEnded = vi.fn<(roomId: string) => void>();
  m.onDwellEnd(dwellEnded);
});
afterEach(() => { m.close(); vi.useRealTimers(); });

describe('SFU minimum dwell', () => {
  it('a room that shrinks inside its dwell stays on the SFU (leave, join and refresh alike) and is looked at again once, when the dwell ends', async () => {
    await store.claim('r', rec(clock));
    clock += 10_000;
    for (let i = 0; i < 5; i++) {
      const afterLeave = await m.afterLeave('r', 2);
      expect(afterLeave.switched).toBe(false);
      expect(await store.get('r')).not.toBeNull();
      expect((await m.pathFor('r', 2)).path).toMatchObject({ path: 'sfu', room: 7 });
    }
    expect(await store.get('r')).not.toBeNull();
    vi.advanceTimersByTime(DWELL - 10_000 - 1);
    expect(dwellEnded).not.toHaveBeenCalled();
    clock += DWELL - 10_000;
    vi.advanceTimersByTime(2);
    expect(dwellEnded).toHaveBeenCalledTimes(1);
    expect(dwellEnded).toHaveBeenCalledWith('r');
    // What the handlers then do: the room, still small, goes back to the mesh; its record is gone.
    const back = await m.afterLeave('r', 2);
    expect(back).toMatchObject({ switched: true, path: { path: 'mesh' } });
    expect(await store.get('r')).toBeNull();
    vi.advanceTimersByTime(10 * DWELL);
    expect(dwellEnded).toHaveBeenCalledTimes(1);
  });

  it('a room that grew back before the dwell ended is left on the SFU when it is looked at again', async () => {
    await store.claim('r', rec(clock));
    await m.afterLeave('r', 2);
    clock += DWELL;
    vi.advanceTimersByTime(DWELL + 1);
    expect(dwellEnded).toHaveBeenCalledTimes(1);
    expect(await m.afterLeave('r', 3)).toMatchObject({ switched: false, path: { path: 'mesh' } });
    expect(await store.get('r')).not.toBeNull();
  });

  it('an empty room is torn down at once, dwell or not, and no look is left pending', async () => {
    await store.claim('r', rec(clock));
    await m.afterLeave('r', 2);
    const empty = await m.afterLeave('r', 0);
    expect(empty.switched).toBe(false);
    expect(await store.get('r')).toBeNull();
    vi.advanceTimersByTime(2 * DWELL);
    expect(dwellEnded).not.toHaveBeenCalled();
  });

  it('an older room goes back at once: the dwell counts from when its Janus room was made', async () => {
    await store.claim('r', rec(clock - DWELL));
    expect(await m.afterLeave('r', 2)).toMatchObject({ switched: true, path: { path: 'mesh' } });
    vi.advanceTimersByTime(2 * DWELL);
    expect(dwellEnded).not.toHaveBeenCalled();
  });
});
