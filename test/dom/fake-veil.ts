// A thin fake window.veil for jsdom tests: the real buildVeilApi over a map of canned handlers.
import type { IpcChannel, IpcResult } from '../../protocol/ipc';
import { buildVeilApi, type PathForFile } from '../../preload/api';

export type FakeHandlers = Partial<Record<IpcChannel, (...args: unknown[]) => unknown>>;

/** `pathForFile` stands in for Electron's webUtils.getPathForFile (absent: no File has a path, as in a browser). */
export function installFakeVeil(handlers: FakeHandlers, pathForFile?: PathForFile): { calls: { channel: string; args: unknown[] }[] } {
  const calls: { channel: string; args: unknown[] }[] = [];
  const api = buildVeilApi(async (channel, ...args): Promise<IpcResult<unknown>> => {
    calls.push({ channel, args });
    const h = handlers[channel];
    if (!h) return { ok: false, error: { code: 'unknown-channel', message: `not faked: ${channel}` } };
    try {
      return { ok: true, value: await h(...args) };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, error: { code: (e.code ?? 'internal') as 'internal', message: e.message ?? 'failed' } };
    }
  }, pathForFile);
  Object.defineProperty(window, 'veil', { value: api, configurable: true, writable: true });
  return { calls };
}
