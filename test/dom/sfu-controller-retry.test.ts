// A failed SFU call the server still routes us to starts again with backoff (2, 4, 8 s), and only then alerts; the mesh, a new room or leaving cancels a waiting restart.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomPath, SfuPath } from '../../protocol/sfu';
import { SfuController, SFU_RETRIES, type CallKeys } from '../../renderer/src/app/sfu-controller';
import type { SfuCall } from '../../renderer/src/rtc/sfu/sfu-call';
import { StandInCall } from './sfu-stand-in';
import { createAppStore } from '../../renderer/src/store';

const sfu = (room: number): SfuPath => ({ path: 'sfu', url: 'ws://127.0.0.1:9/janus', room, expiresAt: Date.now() + 600_000, token: 'x', roomToken: 'y' } as SfuPath);

function setup(serverSays: () => RoomPath) {
  const store = createAppStore();
  store.getState().setSession({ selfId: 'self-peer-0001' });
  const calls: StandInCall[] = [];
  const keys: CallKeys = { worker: {} as Worker, received() {}, openGroupChat: () => Promise.reject(new Error('unused')), originReceived() {}, stop: async () => {} };
  const c = new SfuController({
    store, rtc: () => ({}), outgoingStream: () => null, refreshPath: async () => serverSays(), allowMediaServer: async () => 'usable' as const,
    startKeys: async () => keys,
    makeCall: (o) => { const call = new StandInCall(o); calls.push(call); return call as unknown as SfuCall; }
  });
  const alerts = () => store.getState().alerts.map((a) => a.text).filter((t) => /SFU call stopped/.test(t));
  return { store, c, calls, alerts };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('SfuController restarts a failed call', () => {
  it('restarts after 2, 4 and 8 s while the server still says sfu, then alerts once; going live and failing at once earns no more', async () => {
    const t = setup(() => sfu(5));
    await t.c.apply(sfu(5));
    expect(t.calls).toHaveLength(1);
    t.calls[0]!.events.emit('state', 'live');
    t.calls[0]!.events.emit('state', 'failed', 'janus went away');
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls).toHaveLength(2);
    expect(t.calls[0]!.stopped).toBe(true);
    for (let i = 1; i < SFU_RETRIES; i++) {
      // Each restarted call goes live and fails at once (a hostile server can arrange that): the count still runs out.
      t.calls[i]!.events.emit('state', 'live');
      t.calls[i]!.events.emit('state', 'failed', 'janus went away');
      await vi.advanceTimersByTimeAsync(2000 * 2 ** i);
      expect(t.calls).toHaveLength(i + 2);
    }
    expect(t.alerts()).toEqual([]);
    t.calls.at(-1)!.events.emit('state', 'failed', 'janus went away');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.calls).toHaveLength(SFU_RETRIES + 1);
    expect(t.alerts()).toEqual(['The SFU call stopped: janus went away']);
    expect(t.store.getState().sfu.state).toBe('failed');
    await t.c.close();
  });

  it('a call that stayed live for a minute earns fresh restarts', async () => {
    const t = setup(() => sfu(5));
    await t.c.apply(sfu(5));
    for (let i = 0; i < SFU_RETRIES; i++) {
      t.calls[i]!.events.emit('state', 'failed', 'blip');
      await vi.advanceTimersByTimeAsync(2000 * 2 ** i);
    }
    expect(t.calls).toHaveLength(SFU_RETRIES + 1);
    t.calls.at(-1)!.events.emit('state', 'live');
    await vi.advanceTimersByTimeAsync(60_000);
    t.calls.at(-1)!.events.emit('state', 'failed', 'blip');
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.calls).toHaveLength(SFU_RETRIES + 2);
    expect(t.alerts()).toEqual([]);
    await t.c.close();
  });

  it('a restart picks up the path the server gives then (a new Janus room)', async () => {
    let room = 5;
    const t = setup(() => sfu(room));
    await t.c.apply(sfu(5));
    room = 6;
    t.calls[0]!.events.emit('state', 'failed', 'closed');
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.calls.map((c) => c.room)).toEqual([5, 6]);
    await t.c.close();
  });

  it('no restart when the server says mesh, or after the mesh, a new room or leaving came during the wait', async () => {
    let says: RoomPath = { path: 'mesh' };
    const t = setup(() => says);
    await t.c.apply(sfu(5));
    t.calls[0]!.events.emit('state', 'failed', 'closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.calls).toHaveLength(1);

    says = sfu(7);
    await t.c.apply(sfu(7));
    t.calls[1]!.events.emit('state', 'failed', 'closed');
    await vi.advanceTimersByTimeAsync(10);
    await t.c.apply({ path: 'mesh' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.calls).toHaveLength(2);

    await t.c.apply(sfu(7));
    t.calls[2]!.events.emit('state', 'failed', 'closed');
    await vi.advanceTimersByTimeAsync(10);
    await t.c.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.calls).toHaveLength(3);
    expect(t.alerts()).toEqual([]);
  });
});
