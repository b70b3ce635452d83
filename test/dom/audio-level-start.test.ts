// A tile's speaking highlight starts its WebAudio graph once the page is idle, never inside the render that showed the tile.
import { describe, expect, it, vi } from 'vitest';
import { startWhenIdle } from '../../renderer/src/lib/audio-level';

describe('startWhenIdle', () => {
  it('starts later, not in the calling task; the cancel then stops what started', async () => {
    const stop = vi.fn();
    const start = vi.fn(() => stop);
    const cancel = startWhenIdle(start);
    expect(start).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
    cancel();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('a cancel before it started means it never starts', async () => {
    const start = vi.fn(() => () => {});
    startWhenIdle(start)();
    const other = vi.fn(() => () => {});
    startWhenIdle(other);
    await vi.waitFor(() => expect(other).toHaveBeenCalled());
    expect(start).not.toHaveBeenCalled();
  });
});
