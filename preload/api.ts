// Builds the window.veil object from one invoke function: exactly the contract's channels, nothing else.
import type { IpcChannel, VeilApi } from '../protocol/ipc';
import { IPC_CHANNEL_NAMES } from '../protocol/ipc-channels';

export type Invoke = (channel: IpcChannel, ...args: unknown[]) => Promise<unknown>;

export function buildVeilApi(invoke: Invoke): VeilApi {
  const api: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of IPC_CHANNEL_NAMES) {
    const [domain, verb] = channel.split(':') as [string, string];
    const group = (api[domain] ??= {});
    // Copy arguments into a fresh array so the renderer cannot pass extra hidden state through.
    group[verb] = (...args: unknown[]) => invoke(channel, ...args);
  }
  for (const group of Object.values(api)) Object.freeze(group);
  return Object.freeze(api) as unknown as VeilApi;
}
