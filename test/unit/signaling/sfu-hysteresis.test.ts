// When a room on the SFU goes back to the mesh: SFU_THRESHOLD − SFU_HYSTERESIS members, never below 2, never above the threshold.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SfuManager, type SfuConfig } from '../../../signaling-server/sfu/manager';
import { MemorySfuRoomStore } from '../../../signaling-server/sfu/room-store';

const noMetrics = { roomsCreated: () => {}, roomsDestroyed: () => {}, tokenIssued: () => {}, failure: () => {} };
function manager(sfuThreshold: number, sfuHysteresis: number, sfuRooms: string[] = []): SfuManager {
  const cfg: SfuConfig = { janusUrls: [], janusPublicUrls: [], janusApiSecret: 'a'.repeat(16), janusTokenSecret: 'b'.repeat(16),
    janusTokenTtlSec: 600, sfuThreshold, sfuHysteresis, sfuMinDwellMs: 0, sfuRooms, janusHealthMs: 60_000, publishers: 50 };
  const m = new SfuManager(cfg, new MemorySfuRoomStore(), pino({ level: 'silent' }), noMetrics, Date.now);
  m.close();
  return m;
}

describe('SFU hysteresis', () => {
  it.each([
    // threshold, hysteresis, back to the mesh at ≤
    [5, 2, 3], [5, 0, 5], [5, 10, 2], [4, 2, 2], [3, 1, 2], [2, 2, 2], [2, 0, 2], [1, 2, 1], [0, 2, 0], [100, 20, 80]
  ])('threshold %i, hysteresis %i: back to the mesh at %i members or fewer', (threshold, hysteresis, meshAt) => {
    const m = manager(threshold, hysteresis);
    expect(m.meshAtMost).toBe(meshAt);
    expect(m.wantsMesh('r', meshAt)).toBe(true);
    expect(m.wantsMesh('r', meshAt + 1)).toBe(false);
    // Never a size that is also past the threshold: the two rules cannot both hold.
    for (let n = 0; n <= threshold + 2; n++) expect(m.wantsMesh('r', n) && m.wantsSfu('r', n)).toBe(false);
  });

  it('SFU_ROOMS rooms never want the mesh', () => {
    const m = manager(5, 2, ['board']);
    expect(m.wantsMesh('board', 1)).toBe(false);
    expect(m.wantsMesh('other', 1)).toBe(true);
  });
});
