// The room's path is applied one at a time (latest wins); a server flipping the path cannot make us start more than SFU_STARTS_PER_WINDOW SFU calls a minute.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomPath, SfuPath } from '../../protocol/sfu';
import { PathPacer, SFU_START_WINDOW_MS, SFU_STARTS_PER_WINDOW } from '../../renderer/src/app/path-pacer';

const sfu = (room: number): SfuPath => ({ path: 'sfu', url: 'wss://sfu.example.org/janus', room, token: 't', roomToken: 'r', expiresAt: 1 } as SfuPath);
const mesh: RoomPath = { path: 'mesh' };
const label = (p: RoomPath | undefined) => (p?.path === 'sfu' ? `sfu ${p.room}` : 'mesh');

function pacer(applyMs = 0) {
  const applied: string[] = [];
  const held: number[] = [];
  let running = 0;
  let overlap = 0;
  const p = new PathPacer({
    apply: async (path) => {
      running++;
      overlap = Math.max(overlap, running);
      if (applyMs) await new Promise((r) => setTimeout(r, applyMs));
      applied.push(label(path));
      running--;
    },
    held: (ms) => held.push(ms),
    failed: (err) => { throw err; }
  });
  return { p, applied, held, overlap: () => overlap };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('PathPacer', () => {
  it('never applies two paths at once, and skips to the latest one offered meanwhile', async () => {
    const t = pacer(100);
    const first = t.p.offer(sfu(1));
    void t.p.offer(mesh);
    void t.p.offer(sfu(2));
    const last = t.p.offer(sfu(3));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([first, last]);
    expect(t.applied).toEqual(['sfu 1', 'sfu 3']);
    expect(t.overlap()).toBe(1);
  });

  it('a server flipping sfu/mesh gets at most the bound of SFU starts a window; the mesh always applies; the latest SFU path starts when the window allows', async () => {
    const t = pacer();
    for (let i = 1; i <= 20; i++) {
      await t.p.offer(sfu(i));
      await t.p.offer(mesh);
    }
    await t.p.offer(sfu(99));
    const starts = t.applied.filter((a) => a.startsWith('sfu'));
    expect(starts).toEqual(['sfu 1', 'sfu 2', 'sfu 3', 'sfu 4'].slice(0, SFU_STARTS_PER_WINDOW));
    // Every mesh after the bound still applied (stopping the SFU call is the safe direction), and we stay there.
    expect(t.applied.at(-1)).toBe('mesh');
    expect(t.held.length).toBeGreaterThan(0);
    expect(Math.max(...t.held)).toBeLessThanOrEqual(SFU_START_WINDOW_MS);
    await vi.advanceTimersByTimeAsync(SFU_START_WINDOW_MS);
    expect(t.applied.at(-1)).toBe('sfu 99');
    expect(t.applied.filter((a) => a.startsWith('sfu'))).toHaveLength(SFU_STARTS_PER_WINDOW + 1);
  });

  it('a held SFU move is dropped when the mesh comes meanwhile', async () => {
    const t = pacer();
    for (let i = 1; i <= SFU_STARTS_PER_WINDOW; i++) { await t.p.offer(sfu(i)); await t.p.offer(mesh); }
    await t.p.offer(sfu(50));
    await t.p.offer(mesh);
    await vi.advanceTimersByTimeAsync(2 * SFU_START_WINDOW_MS);
    expect(t.applied).not.toContain('sfu 50');
    expect(t.applied.at(-1)).toBe('mesh');
  });

  it('token refreshes for the same SFU room are no moves: never held, whatever their number', async () => {
    const t = pacer();
    for (let i = 0; i < 50; i++) await t.p.offer(sfu(7));
    expect(t.applied).toHaveLength(50);
    expect(t.held).toEqual([]);
  });

  it('after close nothing more is applied, held moves included', async () => {
    const t = pacer();
    for (let i = 1; i <= SFU_STARTS_PER_WINDOW; i++) { await t.p.offer(sfu(i)); await t.p.offer(mesh); }
    await t.p.offer(sfu(60));
    t.p.close();
    await t.p.offer(sfu(61));
    await vi.advanceTimersByTimeAsync(2 * SFU_START_WINDOW_MS);
    expect(t.applied.filter((a) => a === 'sfu 60' || a === 'sfu 61')).toEqual([]);
  });
});
