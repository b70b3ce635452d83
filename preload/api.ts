// Builds the window.veil object from one invoke function: exactly the contract's channels, nothing else.
import type { IpcChannel, VeilApi } from '../protocol/ipc';
import { IPC_CHANNEL_NAMES, PRELOAD_ONLY_CHANNELS } from '../protocol/ipc-channels';

export type Invoke = (channel: IpcChannel, ...args: unknown[]) => Promise<unknown>;
/** Electron's `webUtils.getPathForFile`: the path of a File the user dropped or chose, '' for one the page made. */
export type PathForFile = (file: never) => string;

/**
 * `pathForFile` is absent where there is no Electron (the browser test harness): every drop then takes the route of
 * pasted data. A path comes only from Electron for the File object the page passes, never from the page.
 */
export function buildVeilApi(invoke: Invoke, pathForFile?: PathForFile): VeilApi {
  const api: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of IPC_CHANNEL_NAMES) {
    if (PRELOAD_ONLY_CHANNELS.includes(channel)) continue;
    const [domain, verb] = channel.split(':') as [string, string];
    const group = (api[domain] ??= {});
    // Copy arguments into a fresh array so the renderer cannot pass extra hidden state through.
    group[verb] = (...args: unknown[]) => invoke(channel, ...args);
  }
  api.files!.dropped = async (roomId: unknown, file: unknown) => {
    let filePath = '';
    try {
      filePath = pathForFile && typeof file === 'object' && file !== null ? pathForFile(file as never) : '';
    } catch {
      // Not a File: no path.
    }
    if (typeof filePath !== 'string' || filePath === '') return { ok: true, value: null };
    return invoke('files:dropped', roomId, filePath);
  };
  for (const group of Object.values(api)) Object.freeze(group);
  return Object.freeze(api) as unknown as VeilApi;
}
