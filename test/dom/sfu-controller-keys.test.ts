// The SFU controller's start: the call starts while its keys do, blobs that arrive before the keys are up are held (bounded) and handed over in order, keys of a call stopped meanwhile go with it; a media server main has not allowed starts nothing.
import { describe, expect, it, vi } from 'vitest';
import { SfuController, type CallKeys } from '../../renderer/src/app/sfu-controller';
import type { SfuCall } from '../../renderer/src/rtc/sfu/sfu-call';
import { StandInCall } from './sfu-stand-in';
import { createAppStore } from '../../renderer/src/store';
import type { SfuPath } from '../../protocol/sfu';

const path: SfuPath = {
  path: 'sfu', url: 'ws://127.0.0.1:9/janus', room: 1234, expiresAt: Date.now() + 600_000,
  token: 'x', roomToken: 'y'
} as SfuPath;

/** Call keys that record the blobs handed to them and how often they were stopped (main cannot run in a DOM test). */
function recordingKeys() {
  const received: [string, string][] = [];
  let stopped = 0;
  const keys: CallKeys = {
    worker: { addEventListener() {}, removeEventListener() {}, terminate() {} } as unknown as Worker,
    received: (from, blob) => { received.push([from, blob]); },
    openGroupChat: () => Promise.reject(new Error('not used here')),
    originReceived: () => {},
    stop: async () => { stopped++; }
  };
  return { keys, received, stopped: () => stopped };
}

/** A controller whose keys start when the test releases them, with stand-in calls; `known`: main's answer is known in the page. */
function heldKeys(known = false) {
  const store = createAppStore();
  store.getState().setSession({ selfId: 'self-peer-0001' });
  const recorder = recordingKeys();
  let release!: () => void;
  const ready = new Promise<void>((r) => { release = r; });
  const calls: StandInCall[] = [];
  let keysAsked = 0;
  const c = new SfuController({
    store, rtc: () => ({}), outgoingStream: () => null, refreshPath: async () => path,
    allowMediaServer: () => known ? 'usable' as const : Promise.resolve('usable' as const),
    startKeys: async () => { keysAsked++; await ready; return recorder.keys; },
    makeCall: (o) => { const call = new StandInCall(o); calls.push(call); return call as unknown as SfuCall; }
  });
  return { c, recorder, calls, release, keysAsked: () => keysAsked };
}

describe('SfuController media keys', () => {
  it('starts the call (Janus session, publisher join) while main\'s keys and the frame worker still start, and hands it the worker once up', async () => {
    const { c, recorder, calls, release } = heldKeys();
    const applied = c.apply(path);
    await vi.waitFor(() => expect(calls[0]?.started).toBe(true));
    let handed: Worker | null = null;
    void calls[0]!.o.worker.then((w) => { handed = w; });
    await Promise.resolve();
    expect(handed).toBe(null);
    release();
    await applied;
    expect(handed).toBe(recorder.keys.worker);
    await c.close();
    expect(recorder.stopped()).toBe(1);
  });

  it('with the media server already allowed in this page, asks for keys and starts the call in the same task as the path', async () => {
    const { c, calls, release, keysAsked } = heldKeys(true);
    const applied = c.apply(path);
    // Nothing awaited yet: no microtask (the page's render of the call view is one) ran before these.
    expect(keysAsked()).toBe(1);
    expect(calls[0]?.started).toBe(true);
    release();
    await applied;
    // A second path for another room stops this call first, then starts the next.
    const next = c.apply({ ...path, room: 4321 });
    expect(calls[0]!.stopped).toBe(true);
    release();
    await next;
    expect(calls[1]?.started).toBe(true);
    await c.close();
  });

  it('stops keys that come up after their call was stopped, and the call\'s worker never arrives', async () => {
    const { c, recorder, calls, release } = heldKeys();
    const applied = c.apply(path);
    await vi.waitFor(() => expect(calls[0]?.started).toBe(true));
    const closed = c.close();
    release();
    await closed;
    await applied;
    expect(recorder.stopped()).toBe(1);
    await expect(calls[0]!.o.worker).rejects.toThrow(/stopped/);
    c.onMediaKey('peer-bob-00001', 'blob-late');
    expect(recorder.received).toEqual([]);
  });

  it('holds key blobs that arrive while our call keys start, then hands them over in order; later ones go straight through', async () => {
    const store = createAppStore();
    store.getState().setSession({ selfId: 'self-peer-0001' });
    const recorder = recordingKeys();
    let release!: () => void;
    const ready = new Promise<void>((r) => { release = r; });
    const c = new SfuController({
      store, rtc: () => ({}), outgoingStream: () => null, refreshPath: async () => path, allowMediaServer: async () => 'usable' as const,
      startKeys: async () => { await ready; return recorder.keys; }
    });
    c.onMediaKey('peer-bob-00001', 'blob-1');
    const started = c.apply(path);
    c.onMediaKey('peer-carol-0001', 'blob-2');
    expect(recorder.received).toEqual([]);
    release();
    await started;
    expect(recorder.received).toEqual([['peer-bob-00001', 'blob-1'], ['peer-carol-0001', 'blob-2']]);
    c.onMediaKey('peer-bob-00001', 'blob-3');
    expect(recorder.received.at(-1)).toEqual(['peer-bob-00001', 'blob-3']);
    await c.close();
    expect(recorder.stopped()).toBe(1);
  });

  it('keeps at most 128 early blobs (the oldest go)', async () => {
    const store = createAppStore();
    store.getState().setSession({ selfId: 'self-peer-0001' });
    const recorder = recordingKeys();
    const c = new SfuController({ store, rtc: () => ({}), outgoingStream: () => null, refreshPath: async () => path, allowMediaServer: async () => 'usable' as const, startKeys: async () => recorder.keys });
    for (let i = 0; i < 200; i++) c.onMediaKey('peer-bob-00001', `blob-${i}`);
    await c.apply(path);
    expect(recorder.received).toHaveLength(128);
    expect(recorder.received[0]).toEqual(['peer-bob-00001', 'blob-72']);
    await c.close();
  });

  it.each([
    ['after-reload', 'the media server is allowed now; leave and join again to use it'],
    ['refused', 'the media server is not allowed']
  ] as const)('a media server main answers %s for starts no call and no keys, and says why', async (answer, reason) => {
    const store = createAppStore();
    store.getState().setSession({ selfId: 'self-peer-0001' });
    const asked: string[] = [];
    let keysStarted = 0;
    const c = new SfuController({
      store, rtc: () => ({}), outgoingStream: () => null, refreshPath: async () => path,
      allowMediaServer: async (url) => { asked.push(url); return answer; },
      startKeys: async () => { keysStarted++; return recordingKeys().keys; }
    });
    await c.apply(path);
    expect(asked).toEqual([path.url]);
    expect(keysStarted).toBe(0);
    expect(c.active).toBe(false);
    expect(store.getState().sfu).toMatchObject({ state: 'failed', reason });
    expect(store.getState().alerts.some((a) => a.text.includes(reason))).toBe(true);
    await c.close();
  });
});
