// Unit tests for the IPC dispatcher: sender check, channel allow-list, argument validation, typed errors.
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../protocol/ipc';
import { createDispatcher, type IpcHandlerMap } from '../../main/ipc/dispatcher';
import { DomainError } from '../../main/errors';

const info = { name: 'Veil', version: '0.1.0', platform: 'linux' };
/** Every channel answers with a marker, except the ones a test overrides. */
function handlers(overrides: Partial<Record<string, (...a: unknown[]) => unknown>> = {}): IpcHandlerMap {
  const map: Record<string, (...a: unknown[]) => unknown> = {};
  for (const c of IPC_CHANNELS) map[c] = () => ({ channel: c });
  map['app:info'] = () => info;
  return { ...map, ...overrides } as unknown as IpcHandlerMap;
}
const app = 'veil://app/index.html';

describe('createDispatcher', () => {
  it('answers a valid call from the app', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch(app, 'app:info', [])).toEqual({ ok: true, value: info });
  });
  it('rejects senders whose frame is not the app, without calling the handler', async () => {
    const spy = vi.fn(() => info);
    const dispatch = createDispatcher(handlers({ 'app:info': spy }));
    for (const sender of ['https://evil.example/', 'file:///tmp/x.html', undefined, 'veil://evil/']) {
      const r = await dispatch(sender, 'app:info', []);
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-sender' } });
    }
    expect(spy).not.toHaveBeenCalled();
  });
  it('rejects unknown channels', async () => {
    const dispatch = createDispatcher(handlers());
    for (const c of ['app:nope', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(app, c, [])).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });
  it('rejects arguments of the wrong type, count or size before the handler runs', async () => {
    const spy = vi.fn();
    const dispatch = createDispatcher(handlers({ 'keys:get': spy, 'message:seal': spy }));
    expect(await dispatch(app, 'app:info', ['extra'])).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    expect(await dispatch(app, 'keys:get', [42])).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    expect(await dispatch(app, 'keys:get', ['../../etc'])).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    const key = 'A'.repeat(43);
    expect(await dispatch(app, 'message:seal', ['room', key, 'text'])).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    expect(await dispatch(app, 'message:seal', ['room', key, new Uint8Array(1024 * 1024)])).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    expect(spy).not.toHaveBeenCalled();
  });
  it('passes typed service errors through and hides unexpected ones', async () => {
    const seen: string[] = [];
    const dispatch = createDispatcher(handlers({
      'identity:get': () => { throw new DomainError('keychain-locked', 'the keychain is locked'); },
      'stats:get': () => { throw new Error('secret detail 0xdeadbeef'); }
    }), undefined, (channel) => seen.push(channel));
    expect(await dispatch(app, 'identity:get', [])).toEqual({ ok: false, error: { code: 'keychain-locked', message: 'the keychain is locked' } });
    const r = await dispatch(app, 'stats:get', []);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'stats:get failed' } });
    expect(JSON.stringify(r)).not.toContain('deadbeef');
    expect(seen).toEqual(['stats:get']);
  });
});
